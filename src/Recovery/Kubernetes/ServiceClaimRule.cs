using System.Net;
using Recovery.Addresses;

namespace Recovery.Kubernetes;

/// <summary>
/// The one rule for "this Service claims that address", used by diagnose, the kubectl and etcd fixes, the etcd
/// scan and strip, and the scripts. Addresses are read as Kubernetes reads them (<see cref="KubernetesAddress"/>);
/// a value that does not parse claims nothing, as kube-proxy skips it too.
/// ClusterIPs are claims of their own kind (<see cref="ClaimField.ClusterIP"/>): every Service has one, so they count
/// only against the addresses that must never be bound (node and protected addresses), and only delete fixes them.
/// </summary>
internal static class ServiceClaimRule
{
    /// <summary>The fields a fix can take an address out of, in report order; ClusterIPs are not among them.</summary>
    public static readonly IReadOnlyList<ClaimField> AddressFields = [ClaimField.ExternalIPs, ClaimField.LoadBalancerIngress, ClaimField.LoadBalancerIP];

    public static string PathOf(ClaimField field) => field switch
    {
        ClaimField.ExternalIPs => "spec.externalIPs",
        ClaimField.LoadBalancerIngress => "status.loadBalancer.ingress",
        ClaimField.LoadBalancerIP => "spec.loadBalancerIP",
        ClaimField.ClusterIP => "spec.clusterIP",
        _ => throw new ArgumentOutOfRangeException(nameof(field)),
    };

    /// <summary>The field a report or saved facts named by <see cref="PathOf"/>; null for anything else.</summary>
    public static ClaimField? FieldOf(string path) =>
        Enum.GetValues<ClaimField>().Cast<ClaimField?>().FirstOrDefault(f => PathOf(f!.Value) == path);

    /// <summary>kubectl jsonpath of each field's addresses, for the scripts that ask kubectl the same question.</summary>
    public static string JsonPathOf(ClaimField field) => field switch
    {
        ClaimField.ExternalIPs => "{.spec.externalIPs[*]}",
        ClaimField.LoadBalancerIngress => "{.status.loadBalancer.ingress[*].ip}",
        ClaimField.LoadBalancerIP => "{.spec.loadBalancerIP}",
        ClaimField.ClusterIP => "{.spec.clusterIPs[*]}",
        _ => throw new ArgumentOutOfRangeException(nameof(field)),
    };

    /// <summary>Every address the Service claims through externalIPs, LB ingress or loadBalancerIP (no ClusterIPs).</summary>
    public static IReadOnlyList<AddressClaim> Claims(ServiceAddressFields service) =>
        [.. Parsed(ClaimField.ExternalIPs, service.ExternalIPs),
         .. Parsed(ClaimField.LoadBalancerIngress, service.IngressIPs),
         .. Parsed(ClaimField.LoadBalancerIP, service.LoadBalancerIP is { Length: > 0 } ip ? [ip] : [])];

    /// <summary>
    /// What the Service claims of <paramref name="targets"/>: the address claims, and a ClusterIP equal to a target
    /// (spec.clusterIP is always spec.clusterIPs[0], so the list alone is read; an old object without it, the single field).
    /// </summary>
    public static IReadOnlyList<AddressClaim> ClaimsOn(ServiceAddressFields service, IEnumerable<IPAddress> targets)
    {
        var watched = targets.Select(KubernetesAddress.Normalise).ToHashSet();
        return [.. Claims(service).Concat(Parsed(ClaimField.ClusterIP, service.ClusterIPs)).Where(c => watched.Contains(c.Address))];
    }

    /// <summary>Whether one entry of a field, as written, holds one of <paramref name="targets"/>: the test the strips apply entry by entry.</summary>
    public static bool Holds(string? text, IEnumerable<IPAddress> targets) => KubernetesAddress.IsAny(text, targets);

    private static IEnumerable<AddressClaim> Parsed(ClaimField field, IEnumerable<string> texts) =>
        texts.Select((t, i) => KubernetesAddress.TryParse(t, out var a) ? new AddressClaim(field, a, t) { Index = i } : null).OfType<AddressClaim>();
}
