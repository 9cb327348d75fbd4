namespace Recovery.LabTests;

/// <summary>`lab.sh status` parsed: facts as NODE.KEY=VALUE lines (see tests/lab/lib/status.sh for the keys).</summary>
public sealed class LabStatus(IReadOnlyDictionary<string, string> facts, string text)
{
    public IReadOnlyDictionary<string, string> Facts { get; } = facts;

    /// <summary>The raw text, for assertion messages.</summary>
    public string Text { get; } = text;

    public string this[string node, string key] =>
        Facts.TryGetValue($"{node}.{key}", out var value)
            ? value
            : throw new KeyNotFoundException($"lab status has no {node}.{key}:\n{Text}");

    /// <summary>Addresses on the node's kube-ipvs0 (without prefix length).</summary>
    public IReadOnlyList<string> KubeIpvs0(string node) =>
        this[node, "kube_ipvs0"] == "-"
            ? []
            : this[node, "kube_ipvs0"].Split(',').Select(a => a.Split('/')[0]).ToList();

    public static LabStatus Parse(string text)
    {
        var facts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                facts[line[..eq]] = line[(eq + 1)..];
            }
        }
        return new LabStatus(facts, text);
    }
}
