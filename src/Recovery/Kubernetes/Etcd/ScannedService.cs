using System.Net;
using Recovery.Kubernetes.Storage;

namespace Recovery.Kubernetes.Etcd;

/// <summary>One Service key found by a scan: decoded, or the reason it could not be (encrypted, malformed).</summary>
internal sealed record ScannedService(string Key, long ModRevision, ServiceObject? Service, string? Problem);

/// <summary>A scan of every Service at one etcd revision.</summary>
internal sealed record ServiceScan(long Revision, IReadOnlyList<ScannedService> Services)
{
    /// <summary>Decoded Services that claim <paramref name="address"/> by <see cref="ServiceClaimRule"/>, ClusterIPs included.</summary>
    public IEnumerable<ScannedService> Claiming(IPAddress address) => Claiming([address]);

    /// <summary>Decoded Services that claim any of <paramref name="addresses"/> (e.g. every node address), ClusterIPs included.</summary>
    public IEnumerable<ScannedService> Claiming(IReadOnlyCollection<IPAddress> addresses) =>
        Services.Where(s => s.Service is { } service && ServiceClaimRule.ClaimsOn(service.AddressFields, addresses).Count > 0);

    /// <summary>Every decoded Service's claims (<see cref="ServiceClaims.Of"/>) with its ports and owners, read at <paramref name="source"/>.</summary>
    /// <param name="watched">node and protected addresses: a ClusterIP equal to one is a claim as well.</param>
    public IReadOnlyList<ServiceClaim> Claims(IReadOnlyCollection<IPAddress> watched, string source) =>
        [.. Services
            .Select(s => s.Service is { } service
                ? ServiceClaims.Of(new ServiceRef(service.Namespace, service.Name), service.AddressFields, source, watched,
                    (service.Metadata, service.Type, service.LoadBalancerClass))
                    is { } claim ? claim with { Ports = service.Ports.Select(p => ServicePort.FromSpec(p.Protocol, p.Port)).OfType<ServicePort>().ToList() } : null
                : null)
            .OfType<ServiceClaim>()];

    /// <summary>Keys whose value could not be read (encrypted or malformed): they may hide an offender, so report them.</summary>
    public IEnumerable<ScannedService> Unreadable => Services.Where(s => s.Service is null);
}
