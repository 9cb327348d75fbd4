using System.Net;

namespace Recovery.Inventory;

/// <summary>One machine of the cluster, as the operator named it. Name and address are validated on load.</summary>
internal sealed record Node(string Name, IPAddress Address, IReadOnlySet<NodeRole> Roles, KubeProxySpec? KubeProxy = null)
{
    public bool IsControlPlane => Roles.Contains(NodeRole.ControlPlane);
    public bool IsEtcd => Roles.Contains(NodeRole.Etcd);
    public override string ToString() => $"{Name} ({Address})";
}
