using System.Net;

namespace Recovery.Inventory;

/// <summary>Everything the operator told us about the cluster: nodes, how to reach them, what must never be hijacked.</summary>
internal sealed record ClusterInventory(string? Cluster, SshSettings Ssh, IReadOnlyList<IPAddress> Protect, IReadOnlyList<Node> Nodes)
{
    /// <summary>The operator's ~/.ssh/config, consulted per node under <see cref="Ssh"/> (<see cref="SshConfig.NodeSshResolver"/>).</summary>
    public SshConfig.SshConfigFile SshConfig { get; init; } = Inventory.SshConfig.SshConfigFile.Empty;

    public Node? FindByAddress(IPAddress address) => Nodes.FirstOrDefault(n => n.Address.Equals(address));
    public Node? FindByName(string name) => Nodes.FirstOrDefault(n => n.Name == name);
    public IEnumerable<Node> ControlPlane => Nodes.Where(n => n.IsControlPlane);
}
