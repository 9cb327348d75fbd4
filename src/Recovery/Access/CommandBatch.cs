using System.Text;

namespace Recovery.Access;

/// <summary>
/// Commands run one after the other in one round trip (one SSH channel, one process tree), each under its own
/// `timeout` as if sent alone, each result framed on a line of its own: its index, its exit code, its stdout and its
/// stderr in base64, so nothing a command prints can pass for a frame. The first <c>mustSucceed</c> commands stop the
/// batch at the first of them that fails (a step's acts, in order), the others always run (the checks read after them).
/// What a batch does not carry: trailing newlines of stdout (`$(...)` strips them). Output that does not
/// read as one frame per command that ran, in order, is no result at all.
/// </summary>
internal static class CommandBatch
{
    private const string Frame = "kube-recover-result";

    /// <summary>
    /// $1 is each command's limit, $2 how many must succeed for the batch to go on, the rest the rendered commands.
    /// POSIX sh; `mktemp`, `base64` and `tr` are coreutils, as `timeout` is. Stderr goes through a temporary file; where
    /// none can be made (a full /tmp in the middle of an incident) the commands still run, their stderr is lost.
    /// </summary>
    private const string Script =
        "t=$1; m=$2; shift 2; i=0; if e=$(mktemp 2>/dev/null); then trap 'rm -f \"$e\"' EXIT; else e=/dev/null; fi; for c in \"$@\"; do "
        + "out=$(timeout " + TimeoutWrapper.KillAfter + " \"$t\" sh -c \"$c\" 2>\"$e\" </dev/null); r=$?; "
        + "printf '" + Frame + " %s %s ' \"$i\" \"$r\"; printf '%s' \"$out\" | base64 | tr -d '\\n'; printf ' '; base64 < \"$e\" | tr -d '\\n'; echo; "
        + "i=$((i + 1)); if [ \"$r\" -ne 0 ] && [ \"$i\" -le \"$m\" ]; then break; fi; done";

    public static ShellCommand Of(IReadOnlyList<ShellCommand> commands, TimeSpan timeout, int mustSucceed) =>
        ShellCommand.Of(["sh", "-c", Script, $"{TimeoutWrapper.Name}-batch", TimeoutWrapper.Seconds(timeout),
            mustSucceed.ToString(System.Globalization.CultureInfo.InvariantCulture), .. commands.Select(c => c.Render())]);

    /// <summary>The whole batch's limit: each command's own limit and its kill grace, one after the other.</summary>
    public static TimeSpan Limit(int count, TimeSpan timeout) => count * (timeout + TimeSpan.FromSeconds(2)) + TimeSpan.FromSeconds(1);

    /// <summary>Runs <paramref name="commands"/> in one round trip on <paramref name="shell"/>; null when the batch gave no readable result.</summary>
    public static async Task<IReadOnlyList<CommandResult>?> RunAsync(INodeShell shell, IReadOnlyList<ShellCommand> commands, TimeSpan timeout, int mustSucceed, CancellationToken cancellationToken)
    {
        var batch = await shell.RunAsync(Of(commands, timeout, mustSucceed), Limit(commands.Count, timeout), cancellationToken).ConfigureAwait(false);
        return Parse(batch, commands.Count, mustSucceed);
    }

    /// <summary>The same, each command through <paramref name="run"/> (one round trip each): for shells that cannot send a batch.</summary>
    public static async Task<IReadOnlyList<CommandResult>?> OneByOneAsync(IReadOnlyList<ShellCommand> commands, int mustSucceed, Func<ShellCommand, Task<CommandResult>> run)
    {
        var results = new List<CommandResult>(commands.Count);
        foreach (var command in commands)
        {
            results.Add(await run(command).ConfigureAwait(false));
            if (results.Count <= mustSucceed && !results[^1].Succeeded) break;
        }
        return results;
    }

    /// <summary>
    /// One result per command that ran, in order: all of them, or fewer when one of the first <paramref name="mustSucceed"/>
    /// failed (the last result). Each one's elapsed time is the batch's share (the batch is timed as a whole).
    /// </summary>
    public static IReadOnlyList<CommandResult>? Parse(CommandResult batch, int count, int mustSucceed = 0)
    {
        if (batch.ExitCode != 0) return null;
        var lines = batch.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length == 0 || lines.Length > count) return null;
        var results = new List<CommandResult>(lines.Length);
        for (var i = 0; i < lines.Length; i++)
        {
            var words = lines[i].Split(' ');
            if (words.Length != 5 || words[0] != Frame || words[1] != i.ToString(System.Globalization.CultureInfo.InvariantCulture)
                || !int.TryParse(words[2], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var exit))
            {
                return null;
            }
            try
            {
                results.Add(new CommandResult(exit, Text(words[3]), Text(words[4]), batch.Elapsed / lines.Length));
            }
            catch (FormatException)
            {
                return null;
            }
        }
        // Cut short only by a command that had to succeed and did not.
        var last = results.Count - 1;
        return results.Count == count || last < mustSucceed && results[last].ExitCode != 0 ? results : null;
    }

    private static string Text(string base64) => Encoding.UTF8.GetString(Convert.FromBase64String(base64));
}
