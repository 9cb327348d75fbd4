using System.Net;
using Recovery.Kubernetes;
using Recovery.Kubernetes.Etcd;

namespace Recovery.Facts;

/// <summary>
/// Service claims read straight from etcd, when no API server answers: every Service under the prefix is scanned
/// (keys first, values decoded in batches), not guessed by name. Read-only.
/// </summary>
internal static class EtcdServiceClaims
{
    /// <param name="watched">node and protected addresses: a ClusterIP equal to one is a claim as well.</param>
    public static async Task<ClaimsResult> ReadAsync(EtcdOpener opener, IReadOnlyCollection<IPAddress> watched, CancellationToken cancellationToken)
    {
        try
        {
            await using var etcd = await opener.OpenAsync(cancellationToken).ConfigureAwait(false);
            var scan = await etcd.Store.ScanServicesAsync(cancellationToken).ConfigureAwait(false);
            var claims = scan.Claims(watched, etcd.Source);
            var unreadable = scan.Unreadable.Select(s => $"{s.Key}: {s.Problem}").ToList();
            return new ClaimsResult(claims, etcd.Source, unreadable);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new ClaimsResult([], null, [$"etcd: {e.Message}"]);
        }
    }
}
