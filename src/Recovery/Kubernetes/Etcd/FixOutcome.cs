using Recovery.Kubernetes.Storage;

namespace Recovery.Kubernetes.Etcd;

/// <summary>
/// What a fix did: the keys it deleted or rewrote, at which etcd revision, and where the backup is.
/// <see cref="Changed"/> is false when there was nothing to do (no backup written, nothing changed).
/// </summary>
internal sealed record FixOutcome(FixAction Action, string? BackupPath, IReadOnlyList<string> Keys, long Revision, StripResult? Strip)
{
    public bool Changed => Keys.Count > 0;
}

/// <summary>What a restore put back.</summary>
internal sealed record RestoreOutcome(string Action, string Service, IReadOnlyList<string> Keys, long Revision, bool Forced);
