namespace Recovery.Access;

/// <summary>
/// Puts every command under coreutils `timeout`, the same way locally and over SSH, so nothing outlives its limit:
/// `timeout` runs the command in its own process group and signals the whole group (TERM, then KILL 2 s later).
/// LC_ALL=C keeps tool messages (sudo, ip, systemctl) in English for the parsers, whatever the node's locale.
/// </summary>
public static class TimeoutWrapper
{
    public const string KillAfter = "--kill-after=2s";

    /// <summary>Grace after the limit before the caller stops waiting itself: the TERM/KILL sequence plus transport slack.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(15);

    /// <summary>`timeout` takes whole seconds here; a limit below one second would kill everything at once.</summary>
    public static string Seconds(TimeSpan timeout)
    {
        if (timeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "a command timeout must be positive");
        return $"{Math.Max(1, (long)Math.Ceiling(timeout.TotalSeconds))}s";
    }

    /// <summary>The argv run on the node: [env LC_ALL=C] [sudo -n --] timeout --kill-after=2s Ns sh -c RENDERED.</summary>
    public static IReadOnlyList<string> Argv(ShellCommand command, TimeSpan timeout, bool sudo)
    {
        var argv = new List<string> { "env", "LC_ALL=C" };
        if (sudo) argv.AddRange(["sudo", "-n", "--"]);
        argv.AddRange(["timeout", KillAfter, Seconds(timeout), "sh", "-c", command.Render()]);
        return argv;
    }

    /// <summary>The one line sent to the remote login shell; stdin is /dev/null so nothing waits for input.</summary>
    public static string RemoteLine(ShellCommand command, TimeSpan timeout, bool sudo) =>
        ShellCommand.Of(Argv(command, timeout, sudo)).Render() + " </dev/null";
}
