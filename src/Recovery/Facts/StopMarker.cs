using Recovery.Inventory;

namespace Recovery.Facts;

/// <summary>
/// The record a node keeps of a kube-proxy that kube-recover stopped: <see cref="FilePath"/>, written durably by the
/// Contain step BEFORE it stops anything, removed by Restore once kube-proxy runs again. Any later run (a fresh
/// `recover` after a kill -9, not only `--resume`) reads it and owes that kube-proxy a start, whatever its manager:
/// without it a stopped kube-proxy looks like one stopped on purpose. One `key: value` per line; unknown keys are ignored.
/// </summary>
/// <param name="Planned">when the plan whose run wrote it was created (ISO 8601, as written).</param>
/// <param name="StoppedAt">when the node wrote it, by its own clock (ISO 8601), just before the stop.</param>
/// <param name="Manager">how kube-proxy was stopped.</param>
/// <param name="KubeletStopped">kubelet was stopped first (a DaemonSet container): it is owed a start too.</param>
/// <param name="ContainerId">the stopped container (docker, containerd): `ps` no longer lists it once stopped.</param>
internal sealed record StopMarker(string? Planned, string? StoppedAt, KubeProxyManager? Manager, bool KubeletStopped, string? Unit, string? ContainerId)
{
    public const string Directory = Commands.StopMarkerFile.Directory;
    public const string FilePath = Commands.StopMarkerFile.Path;
    public const string Header = Commands.StopMarkerFile.Header;

    /// <summary>The lines the Contain step writes (the node appends `stopped-at: TIME` itself).</summary>
    public static IReadOnlyList<string> Lines(DateTimeOffset planned, KubeProxyManager manager, bool kubeletStopped, string? unit, string? containerId, string start)
    {
        var lines = new List<string>
        {
            Header,
            $"planned: {planned.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}",
            $"manager: {ManagerName(manager)}",
        };
        if (kubeletStopped) lines.Add("kubelet: stopped");
        if (unit is not null) lines.Add($"unit: {unit}");
        if (containerId is not null) lines.Add($"container: {containerId}");
        lines.Add($"start: {start}");
        return lines;
    }

    /// <summary>Reads what <see cref="Lines"/> wrote. Null when the text is not a marker (no header).</summary>
    public static StopMarker? Parse(string text)
    {
        var lines = text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        if (lines.Count == 0 || lines[0] != Header) return null;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(": ", StringComparison.Ordinal);
            if (colon > 0) values.TryAdd(line[..colon], line[(colon + 2)..].Trim());
        }
        var container = values.GetValueOrDefault("container");
        return new StopMarker(
            Timestamp(values.GetValueOrDefault("planned")),
            Timestamp(values.GetValueOrDefault("stopped-at")),
            values.TryGetValue("manager", out var m) ? ParseManager(m) : null,
            values.GetValueOrDefault("kubelet") == "stopped",
            values.GetValueOrDefault("unit") is { } u && UnitName(u) ? u : null,
            container is not null && container.Length is >= 6 and <= 64 && container.All(char.IsAsciiHexDigitLower) ? container : null);
    }

    /// <summary>The time it says kube-proxy was stopped, for a human: the node's time, else the plan's.</summary>
    public string When => StoppedAt ?? (Planned is null ? "an unknown time" : $"a run planned at {Planned}");

    public static string ManagerName(KubeProxyManager manager) => KubeProxyManagerNames.Of(manager);

    private static KubeProxyManager? ParseManager(string name) => KubeProxyManagerNames.TryParse(name, out var m) ? m : null;

    // Only what it claims to be: a timestamp is printed on the operator's terminal.
    private static string? Timestamp(string? text) =>
        text is not null && text.Length <= 40 && text.All(c => char.IsAsciiDigit(c) || c is '-' or ':' or 'T' or 'Z' or '.' or '+') ? text : null;

    private static bool UnitName(string unit) =>
        unit.Length is > 0 and <= 256 && unit.All(c => char.IsAsciiLetterOrDigit(c) || c is '@' or '.' or '_' or '-');
}
