using System.Net;

namespace Recovery.Kubernetes.Storage;

/// <summary>A v1 Service as stored in etcd: what decides whether it claims a node's address.</summary>
public sealed record ServiceObject(
    ObjectMeta Metadata,
    string Type,
    string ClusterIP,
    IReadOnlyList<string> ClusterIPs,
    IReadOnlyList<ServicePort> Ports,
    IReadOnlyList<string> ExternalIPs,
    string LoadBalancerIP,
    IReadOnlyList<string> IngressIPs)
{
    public string Namespace => Metadata.Namespace;

    public string Name => Metadata.Name;

    public string Uid => Metadata.Uid;

    /// <summary>The addresses kube-proxy in IPVS mode binds to kube-ipvs0 beyond the ClusterIPs: externalIPs and LB ingress IPs.</summary>
    public IReadOnlyList<string> ClaimedAddresses => [.. ExternalIPs, .. IngressIPs];

    /// <summary>Whether spec.externalIPs or status.loadBalancer.ingress[].ip holds <paramref name="address"/>.</summary>
    public bool Claims(IPAddress address) => ClaimedAddresses.Any(a => AddressText.Matches(a, address));
}

/// <summary>spec.ports[]; targetPort is a number or a port name, kept as text.</summary>
public sealed record ServicePort(string Name, string Protocol, int Port, string TargetPort, int NodePort);
