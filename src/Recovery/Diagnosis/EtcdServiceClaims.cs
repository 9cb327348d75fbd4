using System.Net;
using Recovery.Kubernetes;
using Recovery.Kubernetes.Etcd;

namespace Recovery.Diagnosis;

/// <summary>
/// Service claims read straight from etcd, when no API server answers: every Service under the prefix is scanned
/// (keys first, values decoded in batches), not guessed by name. Read-only.
/// </summary>
public static class EtcdServiceClaims
{
    public static async Task<ClaimsResult> ReadAsync(EtcdOpener opener, CancellationToken cancellationToken)
    {
        try
        {
            await using var etcd = await opener.OpenAsync(cancellationToken).ConfigureAwait(false);
            var scan = await etcd.Store.ScanServicesAsync(cancellationToken).ConfigureAwait(false);
            var claims = scan.Services
                .Where(s => s.Service is { ClaimedAddresses.Count: > 0 })
                .Select(s => new ServiceClaim(
                    new ServiceRef(s.Service!.Namespace, s.Service.Name),
                    Addresses(s.Service.ExternalIPs),
                    Addresses(s.Service.IngressIPs),
                    etcd.Source) { Ports = s.Service.Ports.Select(p => ServicePort.FromSpec(p.Protocol, p.Port)).OfType<ServicePort>().ToList() })
                .ToList();
            var unreadable = scan.Unreadable.Select(s => $"{s.Key}: {s.Problem}").ToList();
            return new ClaimsResult(claims, etcd.Source, unreadable);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new ClaimsResult([], null, [$"etcd: {e.Message}"]);
        }
    }

    private static IReadOnlyList<IPAddress> Addresses(IEnumerable<string> texts) =>
        texts.Select(t => IPAddress.TryParse(t.Trim(), out var a) ? a : null).OfType<IPAddress>().ToList();
}
