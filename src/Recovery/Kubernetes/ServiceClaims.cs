using System.Net;

namespace Recovery.Kubernetes;

/// <summary>One Service's claims by <see cref="ServiceClaimRule"/>, as every reader (kubectl, etcd) builds them.</summary>
internal static class ServiceClaims
{
    /// <returns>null when the Service claims nothing: no address claim, and no ClusterIP among <paramref name="watched"/>.</returns>
    public static ServiceClaim? Of(ServiceRef service, ServiceAddressFields fields, string source, IReadOnlyCollection<IPAddress> watched)
    {
        var clusterIPs = ServiceClaimRule.ClaimsOn(fields, watched).Where(c => c.Field == ClaimField.ClusterIP);
        IReadOnlyList<AddressClaim> claims = [.. ServiceClaimRule.Claims(fields), .. clusterIPs];
        return claims.Count == 0 ? null : new ServiceClaim(service, claims, source);
    }
}
