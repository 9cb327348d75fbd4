using Recovery.Addresses;

namespace Recovery.Kubernetes.Storage;

/// <summary>A v1 Node from <c>/registry/minions/</c>: its name and status.addresses.</summary>
internal sealed record NodeObject(ObjectMeta Metadata, IReadOnlyList<NodeAddress> Addresses)
{
    public string Name => Metadata.Name;

    /// <summary>The first InternalIP that parses as an address (what an inventory built from etcd uses), or null.</summary>
    public System.Net.IPAddress? InternalAddress =>
        Addresses.Where(a => a.Type == "InternalIP").Select(a => KubernetesAddress.TryParse(a.Address, out var ip) ? ip : null).FirstOrDefault(ip => ip is not null);
}

/// <summary>status.addresses[]: type is InternalIP, ExternalIP, Hostname, ...</summary>
internal sealed record NodeAddress(string Type, string Address);
