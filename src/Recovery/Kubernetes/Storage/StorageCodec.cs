using System.Net;

namespace Recovery.Kubernetes.Storage;

/// <summary>
/// Reads and edits Kubernetes objects as kube-apiserver stores them in etcd (protobuf envelope or JSON).
/// Pure: no I/O. Bad input of any kind gives a <see cref="StorageFormatException"/>; encrypted values an
/// <see cref="EncryptedValueException"/> when their content is needed.
/// </summary>
internal static class StorageCodec
{
    /// <summary>Recognises the encoding and reads the envelope.</summary>
    public static StoredValue Decode(ReadOnlyMemory<byte> value) => StorageEnvelope.Decode(value);

    /// <summary>Writes a protobuf envelope from its parts (the inverse of <see cref="Decode"/> for values from etcd).</summary>
    public static byte[] Encode(StoredValue value) => StorageEnvelope.Encode(value);

    public static ObjectMeta ReadMetadata(ReadOnlyMemory<byte> value)
    {
        var stored = Readable(value, null);
        return stored.Encoding == StorageEncoding.Json ? JsonObjectReader.Metadata(stored) : ProtoObjectReader.Metadata(stored);
    }

    public static ServiceObject ReadService(ReadOnlyMemory<byte> value)
    {
        var stored = Readable(value, "Service");
        return stored.Encoding == StorageEncoding.Json ? JsonObjectReader.Service(stored) : ProtoObjectReader.Service(stored);
    }

    public static NodeObject ReadNode(ReadOnlyMemory<byte> value)
    {
        var stored = Readable(value, "Node");
        return stored.Encoding == StorageEncoding.Json ? JsonObjectReader.Node(stored) : ProtoObjectReader.Node(stored);
    }

    public static EndpointSliceObject ReadEndpointSlice(ReadOnlyMemory<byte> value)
    {
        var stored = Readable(value, "EndpointSlice");
        return new EndpointSliceObject(stored.Encoding == StorageEncoding.Json ? JsonObjectReader.Metadata(stored) : ProtoObjectReader.Metadata(stored));
    }

    public static EndpointsObject ReadEndpoints(ReadOnlyMemory<byte> value)
    {
        var stored = Readable(value, "Endpoints");
        return new EndpointsObject(stored.Encoding == StorageEncoding.Json ? JsonObjectReader.Metadata(stored) : ProtoObjectReader.Metadata(stored));
    }

    /// <summary>
    /// Removes <paramref name="addresses"/> from spec.externalIPs and status.loadBalancer.ingress of a stored Service,
    /// keeping everything else. Refuses encrypted values and anything that is not a Service.
    /// </summary>
    public static StripResult Strip(ReadOnlyMemory<byte> value, IReadOnlyCollection<IPAddress> addresses)
    {
        // The whole object must be well formed (one of each property, bounded depth) before any byte is changed.
        var stored = Readable(value, "Service");
        if (stored.Encoding == StorageEncoding.Json)
        {
            JsonObjectReader.Service(stored);
            return JsonServiceStrip.Strip(value, addresses);
        }

        ProtoObjectReader.Service(stored);
        return ProtoServiceStrip.Strip(value, stored, addresses);
    }

    private static StoredValue Readable(ReadOnlyMemory<byte> value, string? kind)
    {
        var stored = StorageEnvelope.Decode(value);
        if (stored.Encoding == StorageEncoding.Encrypted) throw new EncryptedValueException(stored.EncryptionProvider ?? "unknown");
        if (kind is not null && stored.Kind != kind) throw new StorageFormatException($"expected a {kind}, found a {stored.ApiVersion} {stored.Kind}");
        return stored;
    }
}
