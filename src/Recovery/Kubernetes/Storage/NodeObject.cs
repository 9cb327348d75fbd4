using System.Net;
using Recovery.Addresses;

namespace Recovery.Kubernetes.Storage;

/// <summary>A v1 Node from <c>/registry/minions/</c> (or the API): its name, labels and status.addresses.</summary>
internal sealed record NodeObject(ObjectMeta Metadata, IReadOnlyList<NodeAddress> Addresses)
{
    public string Name => Metadata.Name;

    public IReadOnlyDictionary<string, string> Labels => Metadata.Labels;

    /// <summary>The first InternalIP that parses as an address (what an inventory built from etcd uses), or null.</summary>
    public IPAddress? InternalAddress => HostAddresses("InternalIP").FirstOrDefault();

    /// <summary>
    /// Every InternalIP and ExternalIP, IPv4 and IPv6, in the kubelet's order, parsed as Kubernetes parses them
    /// (normalised, each once): all of them are the node's own, and any of them claimed is the same lockout.
    /// </summary>
    public IReadOnlyList<IPAddress> NodeAddresses => HostAddresses("InternalIP", "ExternalIP").ToList();

    private IEnumerable<IPAddress> HostAddresses(params string[] types) =>
        Addresses.Where(a => types.Contains(a.Type))
            .Select(a => KubernetesAddress.TryParse(a.Address, out var ip) ? KubernetesAddress.Normalise(ip) : null)
            .OfType<IPAddress>()
            .Distinct();
}

/// <summary>status.addresses[]: type is InternalIP, ExternalIP, Hostname, InternalDNS, ExternalDNS.</summary>
internal sealed record NodeAddress(string Type, string Address);
