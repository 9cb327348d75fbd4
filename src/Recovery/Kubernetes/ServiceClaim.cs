using System.Net;
using Recovery.Addresses;

namespace Recovery.Kubernetes;

/// <summary>
/// The addresses one Service claims, field by field, as <see cref="ServiceClaimRule"/> decides: spec.externalIPs,
/// status.loadBalancer.ingress[].ip, spec.loadBalancerIP, and a ClusterIP equal to a node address (its own finding).
/// </summary>
/// <param name="Source">where the claim was read, e.g. "kubectl on master2" or "etcd".</param>
internal sealed record ServiceClaim(ServiceRef Service, IReadOnlyList<AddressClaim> FieldClaims, string Source)
{
    /// <summary>spec.ports[] (protocol, port): the IPVS virtual servers and ipset entries kube-proxy made for each claimed address.</summary>
    public IReadOnlyList<ServicePort> Ports { get; init; } = [];

    /// <summary>Who will put the claim back after the fix (<see cref="ClaimOwner.Of"/>); empty when the metadata names nobody.</summary>
    public IReadOnlyList<ClaimOwner> Owners { get; init; } = [];

    /// <summary>
    /// The ports of the Services claiming any of the addresses: kube-proxy made an IPVS virtual server and ipset
    /// entries for each, which the recovery removes with the address. Null when no Service claiming them was read.
    /// </summary>
    public static IReadOnlyList<ServicePort>? PortsClaiming(IEnumerable<ServiceClaim> claims, IReadOnlyCollection<IPAddress> addresses)
    {
        var claiming = claims.Where(c => addresses.Any(c.Claims)).ToList();
        return claiming.Count == 0 ? null : claiming.SelectMany(c => c.Ports).Distinct().ToList();
    }

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
