using System.Net;
using Recovery.Kubernetes.Storage;

namespace Recovery.Kubernetes;

/// <summary>One Service's claims by <see cref="ServiceClaimRule"/>, as every reader (kubectl, etcd) builds them.</summary>
internal static class ServiceClaims
{
    /// <returns>null when the Service claims nothing: no address claim, and no ClusterIP among <paramref name="watched"/>.</returns>
    /// <param name="meta">the Service's metadata, its spec.type and spec.loadBalancerClass: who puts the claim back (<see cref="ClaimOwner"/>).</param>
    public static ServiceClaim? Of(ServiceRef service, ServiceAddressFields fields, string source, IReadOnlyCollection<IPAddress> watched,
        (ObjectMeta Meta, string Type, string LoadBalancerClass)? meta = null)
    {
        var clusterIPs = ServiceClaimRule.ClaimsOn(fields, watched).Where(c => c.Field == ClaimField.ClusterIP);
        IReadOnlyList<AddressClaim> claims = [.. ServiceClaimRule.Claims(fields), .. clusterIPs];
        if (claims.Count == 0) return null;
        var owners = meta is { } m ? ClaimOwner.Of(m.Meta, m.Type, m.LoadBalancerClass, claims.Any(c => c.Field == ClaimField.LoadBalancerIngress)) : [];
        return new ServiceClaim(service, claims, source) { Owners = owners };
    }
}
