using System.Net;

namespace Recovery.Kubernetes;

/// <summary>
/// The addresses a Service makes kube-proxy bind to kube-ipvs0 on every node besides its ClusterIP:
/// spec.externalIPs and status.loadBalancer.ingress[].ip.
/// </summary>
/// <param name="Source">where the claim was read, e.g. "kubectl on master2" or "etcd".</param>
public sealed record ServiceClaim(ServiceRef Service, IReadOnlyList<IPAddress> ExternalIPs, IReadOnlyList<IPAddress> IngressIPs, string Source)
{
    public bool Claims(IPAddress address) => ExternalIPs.Contains(address) || IngressIPs.Contains(address);

    /// <summary>"spec.externalIPs", "status.loadBalancer.ingress" or both, for the report.</summary>
    public IReadOnlyList<string> FieldsClaiming(IPAddress address) =>
        [.. ExternalIPs.Contains(address) ? ["spec.externalIPs"] : Array.Empty<string>(),
         .. IngressIPs.Contains(address) ? ["status.loadBalancer.ingress"] : Array.Empty<string>()];
}
