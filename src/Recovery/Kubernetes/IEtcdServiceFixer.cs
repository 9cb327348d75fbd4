using System.Net;

namespace Recovery.Kubernetes;

/// <summary>
/// Fixes Services directly in etcd, for when no API server answers (--via etcd, or auto without kubectl).
/// Implemented by the etcd side; the runner only calls it. It must back up what it changes into
/// <c>stateDir</c> (fsync, mode 0600) before writing, and be idempotent: nothing left to fix is success.
/// </summary>
internal interface IEtcdServiceFixer
{
    /// <param name="service">The Service to fix; null: every Service claiming one of the addresses.</param>
    Task<EtcdFixResult> FixAsync(ServiceRef? service, FixAction action, IReadOnlyList<IPAddress> addresses, string stateDir, CancellationToken cancellationToken);

    /// <summary>Every Service's claims on ADDRESSES as etcd holds them now (read-only): the final check where no API answers.</summary>
    Task<EtcdClaims> ReadClaimsAsync(IReadOnlyCollection<IPAddress> addresses, CancellationToken cancellationToken);
}

/// <param name="Unreadable">keys whose value could not be decoded (encrypted, malformed): they may hide a claim.</param>
internal sealed record EtcdClaims(IReadOnlyList<ServiceClaim> Claims, IReadOnlyList<string> Unreadable, string Source);

/// <param name="Fixed">Services changed (empty and Succeeded: nothing claimed the addresses any more).</param>
/// <param name="BackupFile">Where the undo data was written, for the report and `kube-recover restore`.</param>
/// <param name="Detail">One sentence for the report; on failure, why.</param>
internal sealed record EtcdFixResult(bool Succeeded, IReadOnlyList<ServiceRef> Fixed, string? BackupFile, string Detail);
