using System.Text;
using System.Text.Json;

namespace Recovery.Kubernetes.Storage;

/// <summary>
/// Recognises how a value is stored and reads or writes the protobuf envelope:
/// <c>k8s\0</c> + runtime.Unknown {typeMeta=1 {apiVersion=1, kind=2}, raw=2, contentEncoding=3, contentType=4}.
/// </summary>
internal static class StorageEnvelope
{
    public static ReadOnlySpan<byte> ProtobufPrefix => "k8s\0"u8;

    public static ReadOnlySpan<byte> EncryptedPrefix => "k8s:enc:"u8;

    public static StoredValue Decode(ReadOnlyMemory<byte> value)
    {
        var span = value.Span;
        if (span.IsEmpty) throw new StorageFormatException("the value is empty: expected a Kubernetes object (k8s\\0 protobuf, JSON or k8s:enc: encrypted)");
        if (span.StartsWith(EncryptedPrefix)) return new StoredValue(StorageEncoding.Encrypted, "", "", ReadOnlyMemory<byte>.Empty, "", "", 0, Provider(span));
        if (span.StartsWith(ProtobufPrefix)) return DecodeProtobuf(value);
        var first = FirstNonSpace(span);
        if (first >= 0 && span[first] == (byte)'{') return DecodeJson(value);
        throw new StorageFormatException(Unrecognised(span));
    }

    /// <summary>Writes the envelope from its parts; for a value read from etcd this gives back the same bytes.</summary>
    public static byte[] Encode(StoredValue value)
    {
        if (value.Encoding != StorageEncoding.Protobuf) throw new StorageFormatException($"only protobuf envelopes are encoded, this value is {value.Encoding}");
        var typeMeta = new ProtoWriter(64);
        typeMeta.String(1, value.ApiVersion);
        typeMeta.String(2, value.Kind);
        var writer = new ProtoWriter(value.Raw.Length + 64);
        writer.Raw(ProtobufPrefix);
        writer.Bytes(1, typeMeta.ToArray());
        writer.Bytes(2, value.Raw.Span);
        writer.String(3, value.ContentEncoding);
        writer.String(4, value.ContentType);
        return writer.ToArray();
    }

    private static StoredValue DecodeProtobuf(ReadOnlyMemory<byte> value)
    {
        var envelope = new ProtoReader(value.Span[4..], 4, "envelope (runtime.Unknown)");
        string apiVersion = "", kind = "", contentEncoding = "", contentType = "";
        var raw = ReadOnlyMemory<byte>.Empty;
        var sawRaw = false;
        var rawOffset = 0;
        var trailing = 0;
        while (envelope.Next(out var field))
        {
            switch (field.Number)
            {
                case 1:
                    var typeMeta = envelope.Message(field, "envelope typeMeta");
                    while (typeMeta.Next(out var t))
                    {
                        if (t.Number == 1) apiVersion = typeMeta.String(t);
                        else if (t.Number == 2) kind = typeMeta.String(t);
                    }

                    break;
                case 2:
                    envelope.Bytes(field); // checks the wire type
                    raw = value.Slice(field.PayloadStart, field.Payload.Length);
                    rawOffset = field.PayloadStart;
                    sawRaw = true;
                    break;
                case 3:
                    contentEncoding = envelope.String(field);
                    break;
                case 4:
                    contentType = envelope.String(field);
                    // The apiserver's encoder ends every envelope with contentType: what follows is not part of it.
                    trailing = value.Length - field.End;
                    break;
            }

            if (trailing > 0) break;
        }

        if (!sawRaw) throw new StorageFormatException("envelope (runtime.Unknown) has no raw object bytes (field 2)");
        if (kind.Length == 0) throw new StorageFormatException("envelope (runtime.Unknown) has no kind in its typeMeta (field 1.2)");
        return new StoredValue(StorageEncoding.Protobuf, apiVersion, kind, raw, contentEncoding, contentType, trailing, null) { RawOffset = rawOffset };
    }

    private static StoredValue DecodeJson(ReadOnlyMemory<byte> value)
    {
        try
        {
            using var document = JsonDocument.Parse(value, new JsonDocumentOptions { MaxDepth = 64, AllowDuplicateProperties = false });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new StorageFormatException("the JSON value is not an object");
            var apiVersion = root.TryGetProperty("apiVersion", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString()! : "";
            var kind = root.TryGetProperty("kind", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString()! : "";
            if (kind.Length == 0) throw new StorageFormatException("the JSON object has no \"kind\"");
            return new StoredValue(StorageEncoding.Json, apiVersion, kind, value, "", "application/json", 0, null);
        }
        catch (JsonException e)
        {
            throw new StorageFormatException($"the value starts like JSON but is not valid JSON: {e.Message}");
        }
        catch (InvalidOperationException e)
        {
            throw new StorageFormatException($"the JSON value holds text that is not valid UTF-8: {e.Message}");
        }
    }

    private static int FirstNonSpace(ReadOnlySpan<byte> span)
    {
        for (var i = 0; i < span.Length; i++)
        {
            if (span[i] is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')) return i;
        }

        return -1;
    }

    /// <summary>"aescbc:v1:key1" from "k8s:enc:aescbc:v1:key1:...", printable ASCII only and bounded.</summary>
    private static string Provider(ReadOnlySpan<byte> span)
    {
        var rest = span[EncryptedPrefix.Length..];
        var text = new StringBuilder();
        var colons = 0;
        foreach (var b in rest[..Math.Min(rest.Length, 80)])
        {
            if (b == ':' && ++colons == 3) break;
            if (b < 0x20 || b > 0x7E) break;
            text.Append((char)b);
        }

        // kms and the others write "provider:version:name:"; a truncated header still names its provider.
        return text.Length == 0 ? "unknown" : text.ToString().TrimEnd(':');
    }

    private static string Unrecognised(ReadOnlySpan<byte> span)
    {
        var head = new StringBuilder();
        foreach (var b in span[..Math.Min(span.Length, 16)]) head.Append(b is >= 0x20 and < 0x7F ? (char)b : '.');
        var hint = span[0] == (byte)'/' ? " (it looks like etcdctl output with the key line first: use the value only)" : "";
        return $"unrecognised value starting with \"{head}\"{hint}: expected k8s\\0 (protobuf), '{{' (JSON) or k8s:enc: (encrypted)";
    }
}
