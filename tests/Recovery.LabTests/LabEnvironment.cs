using System.Net;

namespace Recovery.LabTests;

/// <summary>The lab as `lab.sh env` describes it (shell assignments, one per line).</summary>
public sealed record LabEnvironment(
    string Prefix,
    string RunDir,
    IReadOnlyList<string> Nodes,
    IReadOnlyList<string> ControlPlane,
    IReadOnlyDictionary<string, IPAddress> Addresses,
    string Inventory,
    string SshKey,
    string KnownHosts,
    string Kubectl,
    string ProxyManager,
    IReadOnlyDictionary<string, string> Values)
{
    public IPAddress Address(string node) =>
        Addresses.TryGetValue(node, out var address)
            ? address
            : throw new ArgumentException($"no node '{node}' in the lab (nodes: {string.Join(' ', Nodes)})", nameof(node));

    public static LabEnvironment Parse(string text)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new FormatException($"lab.sh env: expected KEY=VALUE, got '{line}'");
            }
            values[line[..eq]] = line[(eq + 1)..].Trim('"');
        }

        string Get(string key) => values.TryGetValue(key, out var v)
            ? v
            : throw new FormatException($"lab.sh env: {key} missing");
        IReadOnlyList<string> Words(string key) => Get(key).Split(' ', StringSplitOptions.RemoveEmptyEntries);

        var nodes = Words("LAB_NODES");
        var addresses = nodes.ToDictionary(n => n, n => IPAddress.Parse(Get($"LAB_ADDR_{n}")), StringComparer.Ordinal);
        return new LabEnvironment(
            Get("LAB_PREFIX"), Get("LAB_RUN_DIR"), nodes, Words("LAB_CONTROL_PLANE"), addresses,
            Get("LAB_INVENTORY"), Get("LAB_SSH_KEY"), Get("LAB_KNOWN_HOSTS"), Get("LAB_KUBECTL"),
            Get("LAB_PROXY_MANAGER"), values);
    }
}
