using System.Net;
using Recovery.Addresses;

namespace Recovery.Kubernetes.Storage;

/// <summary>A v1 Service as stored in etcd: what decides whether it claims a node's address.</summary>
internal sealed record ServiceObject(
    ObjectMeta Metadata,
    string Type,
    string ClusterIP,
    IReadOnlyList<string> ClusterIPs,
    IReadOnlyList<ServicePort> Ports,
    IReadOnlyList<string> ExternalIPs,
    string LoadBalancerIP,
    IReadOnlyList<string> IngressIPs)
{
    /// <summary>spec.loadBalancerClass: which LoadBalancer controller serves it ("" for the cluster's default one).</summary>
    public string LoadBalancerClass { get; init; } = "";

    public string Namespace => Metadata.Namespace;

    public string Name => Metadata.Name;

    public string Uid => Metadata.Uid;

    /// <summary>The address fields as stored, for <see cref="ServiceClaimRule"/>.</summary>
    internal ServiceAddressFields AddressFields =>
        new(ExternalIPs, IngressIPs, LoadBalancerIP, ClusterIPs.Count > 0 ? ClusterIPs : [ClusterIP]);

    /// <summary>What the Service claims beyond its ClusterIPs (externalIPs, LB ingress, loadBalancerIP), by <see cref="ServiceClaimRule"/>.</summary>
    public IReadOnlyList<AddressClaim> Claims() => ServiceClaimRule.Claims(AddressFields);

    /// <summary>Whether the Service claims <paramref name="address"/> by <see cref="ServiceClaimRule"/> (not through its ClusterIP).</summary>
    public bool Claims(IPAddress address) => Claims().Any(c => KubernetesAddress.Same(c.Address, address));
}

/// <summary>spec.ports[]; targetPort is a number or a port name, kept as text.</summary>
internal sealed record ServicePort(string Name, string Protocol, int Port, string TargetPort, int NodePort);
