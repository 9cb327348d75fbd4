namespace Recovery.Kubernetes.Storage;

/// <summary>
/// An etcd value as kube-apiserver wrote it. For <see cref="StorageEncoding.Protobuf"/>: the envelope's TypeMeta,
/// the object bytes (<see cref="Raw"/>), contentEncoding and contentType, and how many bytes followed the envelope
/// (<see cref="TrailingBytes"/>: 0 for values read from etcd; copies saved through a shell often gain a newline).
/// For JSON: apiVersion and kind from the object, <see cref="Raw"/> is the whole value.
/// For encrypted values only <see cref="EncryptionProvider"/> is known.
/// </summary>
internal sealed record StoredValue(
    StorageEncoding Encoding,
    string ApiVersion,
    string Kind,
    ReadOnlyMemory<byte> Raw,
    string ContentEncoding,
    string ContentType,
    int TrailingBytes,
    string? EncryptionProvider)
{
    /// <summary>Where <see cref="Raw"/> starts in the whole value (error offsets are counted from the value's start).</summary>
    public int RawOffset { get; init; }
}
