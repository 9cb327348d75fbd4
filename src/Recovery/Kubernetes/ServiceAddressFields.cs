namespace Recovery.Kubernetes;

/// <summary>
/// The address fields of one Service as text, exactly as stored in etcd or printed by kubectl, before any parsing:
/// what <see cref="ServiceClaimRule"/> decides on.
/// </summary>
internal sealed record ServiceAddressFields(
    IReadOnlyList<string> ExternalIPs,
    IReadOnlyList<string> IngressIPs,
    string? LoadBalancerIP,
    IReadOnlyList<string> ClusterIPs);
