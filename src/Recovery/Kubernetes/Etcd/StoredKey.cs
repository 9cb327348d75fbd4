namespace Recovery.Kubernetes.Etcd;

/// <summary>One etcd key with its value and revisions, as read.</summary>
internal sealed record StoredKey(string Key, byte[] Value, long CreateRevision, long ModRevision);
