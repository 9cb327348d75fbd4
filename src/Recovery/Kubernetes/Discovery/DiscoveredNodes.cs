using System.Net;
using Recovery.Addresses;
using Recovery.Inventory;
using Recovery.Kubernetes.Etcd;
using Recovery.Kubernetes.Storage;

namespace Recovery.Kubernetes.Discovery;

/// <summary>
/// Inventory nodes from the cluster's own Node objects (pure). Each node is reached at its first InternalIP (the
/// kubelet lists the primary family first), else its first ExternalIP; its other InternalIP/ExternalIP addresses
/// are its own too and become protected addresses. Roles come from the labels (<see cref="NodeRoleLabels"/>), and
/// etcd from the member list: a member listening on one of a node's addresses runs on that node.
/// </summary>
internal sealed record DiscoveredNodes(IReadOnlyList<Node> Nodes, IReadOnlyList<IPAddress> OtherAddresses, IReadOnlyList<string> Skipped)
{
    public static DiscoveredNodes From(IEnumerable<NodeObject> objects, IReadOnlyList<EtcdMember> members)
    {
        var nodes = new List<Node>();
        var other = new List<IPAddress>();
        var skipped = new List<string>();
        foreach (var node in objects.OrderBy(n => n.Name, StringComparer.Ordinal))
        {
            if (NodeRules.NameProblem(node.Name) is { } badName)
            {
                skipped.Add($"a Node {badName}");
                continue;
            }
            var own = node.NodeAddresses;
            var address = node.InternalAddress ?? own.FirstOrDefault();
            if (address is null || !NodeRules.TryAddress(address.ToString(), out _, out _))
            {
                skipped.Add($"{node.Name}: no usable InternalIP or ExternalIP in status.addresses");
                continue;
            }
            var roles = new HashSet<NodeRole>(NodeRoleLabels.Roles(node.Labels));
            if (members.Any(m => MemberAddresses(m).Any(a => own.Any(o => KubernetesAddress.Same(a, o))))) roles.Add(NodeRole.Etcd);
            nodes.Add(new Node(node.Name, address, roles));
            other.AddRange(own.Where(a => !a.Equals(address)));
        }
        return new DiscoveredNodes(nodes, other.Distinct().ToList(), skipped);
    }

    /// <summary>Members whose URLs name none of the nodes' addresses (an external etcd, or a stale member).</summary>
    public static IEnumerable<string> UnmatchedMembers(IReadOnlyList<EtcdMember> members, IEnumerable<NodeObject> objects)
    {
        var all = objects.SelectMany(o => o.NodeAddresses).ToList();
        return members.Where(m => !MemberAddresses(m).Any(a => all.Any(o => KubernetesAddress.Same(a, o)))).Select(m => m.Name);
    }

    private static IEnumerable<IPAddress> MemberAddresses(EtcdMember member) =>
        member.Urls.Select(u => Uri.TryCreate(u, UriKind.Absolute, out var uri) && IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) ? ip : null)
            .OfType<IPAddress>()
            .Where(ip => !IPAddress.IsLoopback(ip));
}
