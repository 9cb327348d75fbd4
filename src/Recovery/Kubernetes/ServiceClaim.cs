using System.Net;
using Recovery.Addresses;

namespace Recovery.Kubernetes;

/// <summary>
/// The addresses one Service claims, field by field, as <see cref="ServiceClaimRule"/> decides: spec.externalIPs,
/// status.loadBalancer.ingress[].ip, spec.loadBalancerIP, and a ClusterIP equal to a node address (its own finding).
/// </summary>
/// <param name="Source">where the claim was read, e.g. "kubectl on master2" or "etcd".</param>
public sealed record ServiceClaim(ServiceRef Service, IReadOnlyList<AddressClaim> FieldClaims, string Source)
{
    public IReadOnlyList<IPAddress> ExternalIPs => In(ClaimField.ExternalIPs);

    public IReadOnlyList<IPAddress> IngressIPs => In(ClaimField.LoadBalancerIngress);

    /// <summary>Every address claimed, through any field, once each.</summary>
    public IReadOnlyList<IPAddress> Addresses => [.. FieldClaims.Select(c => c.Address).Distinct()];

    public bool Claims(IPAddress address) => FieldClaims.Any(c => KubernetesAddress.Same(c.Address, address));

    /// <summary>"spec.externalIPs", "status.loadBalancer.ingress", ... for the report.</summary>
    public IReadOnlyList<string> FieldsClaiming(IPAddress address) =>
        [.. FieldClaims.Where(c => KubernetesAddress.Same(c.Address, address)).Select(c => c.FieldPath).Distinct()];

    private IReadOnlyList<IPAddress> In(ClaimField field) => [.. FieldClaims.Where(c => c.Field == field).Select(c => c.Address)];
}
