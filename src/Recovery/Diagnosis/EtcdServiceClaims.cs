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
    public static async Task<ServiceClaimsReader.Result> ReadAsync(EtcdOpener opener, CancellationToken cancellationToken)
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
                    etcd.Source))
                .ToList();
            var unreadable = scan.Unreadable.Count();
            var source = unreadable == 0 ? etcd.Source : $"{etcd.Source}; {unreadable} values could not be read (encrypted or malformed)";
            return new ServiceClaimsReader.Result(claims, source);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new ServiceClaimsReader.Result(null, $"etcd: {e.Message}");
        }
    }

    private static IReadOnlyList<IPAddress> Addresses(IEnumerable<string> texts) =>
        texts.Select(t => IPAddress.TryParse(t.Trim(), out var a) ? a : null).OfType<IPAddress>().ToList();
}
