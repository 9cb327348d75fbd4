using System.Text;

namespace Recovery.Access;

/// <summary>
/// Read-only commands run one after the other in one round trip (one SSH channel, one process tree), each under its
/// own `timeout` as if sent alone, each result framed on a line of its own: its index, its exit code and its stdout in
/// base64, so nothing a command prints can pass for a frame. What a batch does not carry: stderr (a check is judged by
/// its exit code and stdout), and trailing newlines of stdout (`$(...)` strips them). Output that does not read as
/// exactly one frame per command, in order, is no result at all: the caller runs the commands one by one instead.
/// </summary>
internal static class CommandBatch
{
    private const string Frame = "kube-recover-result";

    /// <summary>$1 is each command's limit, the rest the rendered commands. POSIX sh; `base64` and `tr` are coreutils, as `timeout` is.</summary>
    private const string Script =
        "t=$1; shift; i=0; for c in \"$@\"; do "
        + "out=$(timeout " + TimeoutWrapper.KillAfter + " \"$t\" sh -c \"$c\" 2>/dev/null </dev/null); r=$?; "
        + "printf '" + Frame + " %s %s ' \"$i\" \"$r\"; printf '%s' \"$out\" | base64 | tr -d '\\n'; echo; i=$((i + 1)); done";

    public static ShellCommand Of(IReadOnlyList<ShellCommand> commands, TimeSpan timeout) =>
        ShellCommand.Of(["sh", "-c", Script, $"{TimeoutWrapper.Name}-batch", TimeoutWrapper.Seconds(timeout), .. commands.Select(c => c.Render())]);

    /// <summary>The whole batch's limit: each command's own limit and its kill grace, one after the other.</summary>
    public static TimeSpan Limit(int count, TimeSpan timeout) => count * (timeout + TimeSpan.FromSeconds(2)) + TimeSpan.FromSeconds(1);

    /// <summary>Runs <paramref name="commands"/> in one round trip on <paramref name="shell"/>; null when the batch gave no readable result.</summary>
    public static async Task<IReadOnlyList<CommandResult>?> RunAsync(INodeShell shell, IReadOnlyList<ShellCommand> commands, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var batch = await shell.RunAsync(Of(commands, timeout), Limit(commands.Count, timeout), cancellationToken).ConfigureAwait(false);
        return Parse(batch, commands.Count);
    }

    /// <summary>One result per command, in order; each one's elapsed time is the batch's share (the batch is timed as a whole).</summary>
    public static IReadOnlyList<CommandResult>? Parse(CommandResult batch, int count)
    {
        if (batch.ExitCode != 0) return null;
        var lines = batch.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length != count) return null;
        var results = new List<CommandResult>(count);
        for (var i = 0; i < count; i++)
        {
            var words = lines[i].Split(' ');
            if (words.Length != 4 || words[0] != Frame || words[1] != i.ToString(System.Globalization.CultureInfo.InvariantCulture)
                || !int.TryParse(words[2], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var exit))
            {
                return null;
            }
            try
            {
                results.Add(new CommandResult(exit, Encoding.UTF8.GetString(Convert.FromBase64String(words[3])), "", batch.Elapsed / count));
            }
            catch (FormatException)
            {
                return null;
            }
        }
        return results;
    }
}
