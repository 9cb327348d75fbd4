namespace Recovery.Access;

/// <summary>
/// Puts every command under coreutils `timeout`, the same way locally and over SSH, so nothing outlives its limit.
/// `timeout --kill-after=2s` runs the command in its own process group and sends TERM to the group at the limit,
/// but it sends the KILL only while its direct child lives: a grandchild that ignores TERM (a wedged ip, a daemon's
/// helper) would survive as an orphan. So a small POSIX shell runs `timeout` in the background and, when it timed
/// out, KILLs whatever is left of that process group. LC_ALL=C keeps tool messages (sudo, ip, systemctl) in English
/// for the parsers, whatever the node's locale.
/// </summary>
internal static class TimeoutWrapper
{
    public const string KillAfter = "--kill-after=2s";

    /// <summary>
    /// The wrapper script; $1 is the limit, $2 the rendered command. Works in dash, bash and busybox sh. The trap makes
    /// a cancel from this side (SSH signal, or TERM/HUP to the session) take the command's whole group down at once.
    /// A cancel can land between the fork and `p=$!` (then $! names it) or before `timeout` made its own group (then
    /// the group does not exist yet and its pid alone is killed, before it forked the command).
    /// </summary>
    public const string Script =
        "trap 'q=${p:-$!}; [ -n \"$q\" ] && kill -s KILL -- \"-$q\" \"$q\" 2>/dev/null; exit 143' TERM INT HUP; "
        + "timeout " + KillAfter + " \"$1\" sh -c \"$2\" & p=$!; wait \"$p\" 2>/dev/null; r=$?; "
        + "case $r in 124|137) kill -s KILL -- \"-$p\" 2>/dev/null;; esac; exit \"$r\"";

    /// <summary>Grace after the limit before the caller stops waiting itself: the TERM/KILL sequence plus transport slack.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(15);

    /// <summary>`timeout` takes whole seconds here; a limit below one second would kill everything at once.</summary>
    public static string Seconds(TimeSpan timeout)
    {
        if (timeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "a command timeout must be positive");
        return $"{Math.Max(1, (long)Math.Ceiling(timeout.TotalSeconds))}s";
    }

    /// <summary>The wrapper's $0 (seen in the process list); a run tag makes one command findable to cancel it.</summary>
    public const string Name = "kube-recover";

    /// <summary>The argv run on the node: env LC_ALL=C [sudo -n --] sh -c SCRIPT kube-recover[-TAG] Ns RENDERED.</summary>
    public static IReadOnlyList<string> Argv(ShellCommand command, TimeSpan timeout, bool sudo, string? tag = null)
    {
        if (tag is not null && !tag.All(char.IsAsciiLetterOrDigit)) throw new ArgumentException("a run tag is letters and digits", nameof(tag));
        var argv = new List<string> { "env", "LC_ALL=C" };
        if (sudo) argv.AddRange(["sudo", "-n", "--"]);
        argv.AddRange(["sh", "-c", Script, tag is null ? Name : $"{Name}-{tag}", Seconds(timeout), command.Render()]);
        return argv;
    }

    /// <summary>The one line sent to the remote login shell; stdin is /dev/null so nothing waits for input.</summary>
    public static string RemoteLine(ShellCommand command, TimeSpan timeout, bool sudo, string? tag = null) =>
        ShellCommand.Of(Argv(command, timeout, sudo, tag)).Render() + " </dev/null";

    /// <summary>
    /// Sends TERM to the wrapper of the run with this tag, whose trap then KILLs the command's process group. The
    /// pattern `kube-recover-[x]yz` matches the wrapper but not this command's own shell, which carries it as text.
    /// </summary>
    public static ShellCommand Cancel(string tag) => ShellCommand.Of("pkill", "-TERM", "-f", $"{Name}-[{tag[0]}]{tag[1..]} ");
}
