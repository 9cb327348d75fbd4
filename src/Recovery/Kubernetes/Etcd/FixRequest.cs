namespace Recovery.Kubernetes.Etcd;

/// <summary>Where the backup goes and what it records; optionally a full etcd snapshot first.</summary>
internal sealed record FixRequest(string StateDirectory, string ToolVersion)
{
    /// <summary>When set, a snapshot of the whole keyspace is written here (fsync, 0600) before anything else.</summary>
    public string? SnapshotPath { get; init; }
}
