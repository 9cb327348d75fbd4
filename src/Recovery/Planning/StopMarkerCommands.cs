using Recovery.Access;
using Recovery.Facts;

namespace Recovery.Planning;

/// <summary>
/// The commands that write and remove a node's <see cref="StopMarker"/>. Writing is durable and atomic: a temporary
/// file, synced, renamed over the marker, synced again; so a kill -9 or a power cut leaves either no marker or a whole
/// one. The script is a constant; the path and the lines are positional arguments, so they are data, never code.
/// </summary>
internal static class StopMarkerCommands
{
    /// <summary>`sh -c SCRIPT kube-recover PATH LINE...`: the node adds `stopped-at:` with its own clock.</summary>
    public const string WriteScript =
        "p=$1; shift; mkdir -p \"${p%/*}\" && printf \"%s\\n\" \"$@\" > \"$p.tmp\" && date -u +\"stopped-at: %Y-%m-%dT%H:%M:%SZ\" >> \"$p.tmp\" && sync && mv -f \"$p.tmp\" \"$p\" && sync";

    public const string ScriptName = "kube-recover";

    public static ShellCommand Write(IReadOnlyList<string> lines) =>
        ShellCommand.Of(["sh", "-c", WriteScript, ScriptName, StopMarker.FilePath, .. lines]);

    public static ShellCommand Remove() => ShellCommand.Of("rm", "-f", StopMarker.FilePath);

    /// <summary>Holds when the node keeps no marker.</summary>
    public static Probe Absent() => Probe.Succeeds(ShellCommand.Of("test", "!", "-e", StopMarker.FilePath));

    /// <summary>Whether argv is a marker write the Planner produces (for <see cref="PlanValidator"/>): the lines are printed on a terminal, so no control characters.</summary>
    public static bool IsWrite(IReadOnlyList<string> a) =>
        a.Count >= 6 && a[0] == "sh" && a[1] == "-c" && a[2] == WriteScript && a[3] == ScriptName && a[4] == StopMarker.FilePath
        && a[5] == StopMarker.Header && a.Skip(6).All(l => l.Length <= 4096 && !l.Any(char.IsControl) && l.Contains(": ", StringComparison.Ordinal));

    public static bool IsRemove(IReadOnlyList<string> a) => a.Count == 3 && a[0] == "rm" && a[1] == "-f" && a[2] == StopMarker.FilePath;
}
