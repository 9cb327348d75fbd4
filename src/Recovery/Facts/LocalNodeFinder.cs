using System.Net;
using System.Net.NetworkInformation;
using Recovery.Inventory;

namespace Recovery.Facts;

/// <summary>Which inventory node this machine is, and how that was decided (shown to the operator).</summary>
/// <param name="Node">The node, or null when this machine holds none of the inventory addresses (a jump host).</param>
/// <param name="HijackedHere">Other nodes whose address sits on kube-ipvs0 here: traffic to them stays on this machine.</param>
internal sealed record LocalNode(Node? Node, string Reason, IReadOnlyList<Node> HijackedHere)
{
    /// <summary>This node's own address is on its own kube-ipvs0 too (the v1.20 binding): the other nodes likely hold it as
    /// well, so their replies to this console never come back.</summary>
    public bool OwnAddressBound { get; init; }
}

/// <summary>
/// Finds this machine in the inventory by its own interface addresses. An address that is only on kube-ipvs0 does
/// not make a node local: that is exactly the hijack (another node's address bound here by kube-proxy).
/// </summary>
internal static class LocalNodeFinder
{
    /// <exception cref="LocalNodeException">The override names no node, or the addresses fit more than one node.</exception>
    public static LocalNode Find(ClusterInventory inventory, string? overrideName = null) =>
        Find(inventory, ReadLocalAddresses(), overrideName);

    public static LocalNode Find(ClusterInventory inventory, IReadOnlyList<InterfaceAddress> local, string? overrideName = null)
    {
        var owned = local.Where(a => a.Interface != NodeFacts.IpvsInterface).Select(a => Normalize(a.Address)).ToHashSet();
        var onIpvs = local.Where(a => a.Interface == NodeFacts.IpvsInterface).Select(a => Normalize(a.Address)).ToHashSet();
        if (overrideName is not null)
        {
            var chosen = inventory.FindByName(overrideName)
                ?? throw new LocalNodeException(
                    $"--local {overrideName}: no node of that name in the inventory (nodes: {string.Join(", ", inventory.Nodes.Select(n => n.Name))})");
            return new LocalNode(chosen, $"--local {overrideName}", Hijacked(chosen)) { OwnAddressBound = onIpvs.Contains(Normalize(chosen.Address)) };
        }
        var matches = inventory.Nodes.Where(n => owned.Contains(Normalize(n.Address))).ToList();
        if (matches.Count > 1)
        {
            throw new LocalNodeException(
                $"this machine holds the addresses of several inventory nodes ({string.Join(", ", matches)}); say which one it is with --local NAME");
        }
        if (matches.Count == 1)
        {
            var node = matches[0];
            var device = local.First(a => a.Interface != NodeFacts.IpvsInterface && Normalize(a.Address).Equals(Normalize(node.Address))).Interface;
            return new LocalNode(node, $"{node.Address} is on {device} here", Hijacked(node)) { OwnAddressBound = onIpvs.Contains(Normalize(node.Address)) };
        }
        return new LocalNode(null, "no inventory address is on a local interface (other than kube-ipvs0)", Hijacked(null));

        IReadOnlyList<Node> Hijacked(Node? self) =>
            inventory.Nodes.Where(n => n != self && onIpvs.Contains(Normalize(n.Address)) && !owned.Contains(Normalize(n.Address))).ToList();
    }

    /// <summary>This network namespace's addresses (System.Net reads them through netlink/getifaddrs).</summary>
    public static IReadOnlyList<InterfaceAddress> ReadLocalAddresses() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(i => i.GetIPProperties().UnicastAddresses.Select(u => new InterfaceAddress(i.Name, u.Address, u.PrefixLength)))
            .ToList();

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}

/// <summary>The local node cannot be decided; the message says what to pass.</summary>
internal sealed class LocalNodeException(string message) : Exception(message);
