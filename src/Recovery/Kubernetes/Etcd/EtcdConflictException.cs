namespace Recovery.Kubernetes.Etcd;

/// <summary>
/// A guarded transaction did not run because keys changed since they were read (or, for a restore, exist
/// again): nothing was written. <see cref="Keys"/> says which keys and how.
/// </summary>
internal sealed class EtcdConflictException : EtcdStoreException
{
    public EtcdConflictException(string what, IReadOnlyList<KeyConflict> keys)
        : base($"{what}: nothing was written because {string.Join("; ", keys.Select(k => k.ToString()))}")
    {
        Keys = keys;
    }

    public IReadOnlyList<KeyConflict> Keys { get; }
}

/// <summary>One key whose state differs from what a transaction required.</summary>
internal sealed record KeyConflict(string Key, string Expected, string Found)
{
    public override string ToString() => $"{Key}: expected {Expected}, found {Found}";
}
