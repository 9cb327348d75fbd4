using System.Net;
using Recovery.Kubernetes;

namespace Recovery.Diagnosis;

/// <summary>
/// The addresses a Service makes kube-proxy bind to kube-ipvs0 on every node besides its ClusterIP:
/// spec.externalIPs and status.loadBalancer.ingress[].ip.
/// </summary>
/// <param name="Source">where the claim was read, e.g. "kubectl on master2" or "etcd".</param>
public sealed record ServiceClaim(ServiceRef Service, IReadOnlyList<IPAddress> ExternalIPs, IReadOnlyList<IPAddress> IngressIPs, string Source)
{
    /// <summary>spec.ports[] (protocol, port): the IPVS virtual servers and ipset entries kube-proxy made for each claimed address.</summary>
    public IReadOnlyList<ServicePort> Ports { get; init; } = [];

    /// <summary>
    /// The ports of the Services claiming any of the addresses: kube-proxy made an IPVS virtual server and ipset
    /// entries for each, which the recovery removes with the address. Null when no Service claiming them was read.
    /// </summary>
    public static IReadOnlyList<ServicePort>? PortsClaiming(IEnumerable<ServiceClaim> claims, IReadOnlyCollection<IPAddress> addresses)
    {
        var claiming = claims.Where(c => addresses.Any(c.Claims)).ToList();
        return claiming.Count == 0 ? null : claiming.SelectMany(c => c.Ports).Distinct().ToList();
    }

    public bool Claims(IPAddress address) => ExternalIPs.Contains(address) || IngressIPs.Contains(address);

    /// <summary>"spec.externalIPs", "status.loadBalancer.ingress" or both, for the report.</summary>
    public IReadOnlyList<string> FieldsClaiming(IPAddress address) =>
        [.. ExternalIPs.Contains(address) ? ["spec.externalIPs"] : Array.Empty<string>(),
         .. IngressIPs.Contains(address) ? ["status.loadBalancer.ingress"] : Array.Empty<string>()];
}
