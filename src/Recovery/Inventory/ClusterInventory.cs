using System.Net;

namespace Recovery.Inventory;

/// <summary>Everything the operator told us about the cluster: nodes, how to reach them, what must never be hijacked.</summary>
internal sealed record ClusterInventory(string? Cluster, SshSettings Ssh, IReadOnlyList<IPAddress> Protect, IReadOnlyList<Node> Nodes)
{
    public Node? FindByAddress(IPAddress address) => Nodes.FirstOrDefault(n => n.Address.Equals(address));
    public Node? FindByName(string name) => Nodes.FirstOrDefault(n => n.Name == name);
    public IEnumerable<Node> ControlPlane => Nodes.Where(n => n.IsControlPlane);
}
