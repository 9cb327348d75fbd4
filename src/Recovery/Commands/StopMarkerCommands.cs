using Recovery.Access;

namespace Recovery.Commands;

/// <summary>The file a node keeps while kube-recover owes its kube-proxy a start (read by Facts.StopMarker).</summary>
internal static class StopMarkerFile
{
    public const string Directory = "/var/lib/kube-recover/stopped";
    public const string Path = Directory + "/kube-proxy";
    public const string Header = "kube-recover stopped kube-proxy on this node; a later kube-recover run starts it again";
}

/// <summary>
/// Writes the stop marker durably and atomically: a temporary file, synced, renamed over the marker, synced again; so a
/// kill -9 or a power cut leaves either no marker or a whole one. The script is a constant; the path and the lines are
/// positional arguments, so they are data, never code. The node adds `stopped-at:` with its own clock. The lines are
/// printed on a terminal when read back: the header first, then `key: value` lines without control characters.
/// </summary>
internal sealed record StopMarkerWrite(IReadOnlyList<string> Lines) : NodeCommand
{
    public const string Script =
        "p=$1; shift; mkdir -p \"${p%/*}\" && printf \"%s\\n\" \"$@\" > \"$p.tmp\" && date -u +\"stopped-at: %Y-%m-%dT%H:%M:%SZ\" >> \"$p.tmp\" && sync && mv -f \"$p.tmp\" \"$p\" && sync";

    public const string ScriptName = "kube-recover";

    public IReadOnlyList<string> Lines { get; } = Lines is [StopMarkerFile.Header, ..] && Lines.Skip(1).All(IsLine)
        ? Lines
        : throw new ArgumentException("stop marker lines must be the kube-recover header, then 'key: value' lines of at most 4096 characters without control characters");

    public override ShellCommand ToShell() => ShellCommand.Of(["sh", "-c", Script, ScriptName, StopMarkerFile.Path, .. Lines]);

    private static bool IsLine(string l) => l.Length <= 4096 && !l.Any(char.IsControl) && l.Contains(": ", StringComparison.Ordinal);
}

/// <summary>`rm -f` the stop marker: kube-proxy runs again.</summary>
internal sealed record StopMarkerRemove : NodeCommand
{
    public override ShellCommand ToShell() => ShellCommand.Of("rm", "-f", StopMarkerFile.Path);
}

/// <summary>Exit 0 when the node keeps no stop marker.</summary>
internal sealed record StopMarkerAbsent : NodeCommand
{
    public override ShellCommand ToShell() => ShellCommand.Of("test", "!", "-e", StopMarkerFile.Path);
}
