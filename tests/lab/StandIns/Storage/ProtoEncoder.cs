using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;

namespace Lab.StandIns.Storage;

/// <summary>
/// The object's JSON form to protobuf exactly as gogo-protobuf marshals the Go struct: fields in ascending
/// number, non-pointer fields always (even empty), pointers when set, map entries sorted by key, and the
/// fields kept from an earlier read (<see cref="ProtoJson.UnknownKey"/>) put back in their place.
/// </summary>
internal static class ProtoEncoder
{
    /// <summary>Compact JSON as Go writes it (quotes escaped as \", not \u0022).</summary>
    private static readonly JsonSerializerOptions GoJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Encode(JsonObject? obj, MessageSchema schema, string path = "")
    {
        var pieces = new List<(int Number, byte[] Bytes)>();
        foreach (var field in schema.Fields)
        {
            var node = obj?[field.Json];
            var at = $"{path}.{field.Json}";
            switch (field.Presence)
            {
                case Presence.Always:
                    pieces.Add((field.Number, Piece(field, node, at)));
                    break;
                case Presence.Pointer when node is not null:
                    pieces.Add((field.Number, Piece(field, node, at)));
                    break;
                case Presence.Repeated when node is not null:
                    foreach (var element in Elements(field, node, at))
                        pieces.Add((field.Number, element));
                    break;
            }
        }
        if (obj?[ProtoJson.UnknownKey] is JsonArray kept)
        {
            foreach (var raw in kept)
            {
                var bytes = Convert.FromBase64String((string)raw!);
                pieces.Add((WireFormat.GetTagFieldNumber(new CodedInputStream(bytes).ReadTag()), bytes));
            }
        }
        using var stream = new MemoryStream();
        foreach (var piece in pieces.OrderBy(p => p.Number))
            stream.Write(piece.Bytes);
        return stream.ToArray();
    }

    private static IEnumerable<byte[]> Elements(Field field, JsonNode node, string path)
    {
        if (field.Kind is FieldKind.StringMap or FieldKind.QuantityMap)
        {
            if (node is not JsonObject map)
                throw new SchemaException($"{path[1..]}: expected an object of strings, got {node.GetValueKind()}");
            foreach (var (key, value) in map.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                var text = value is null ? "" : AsString(value, $"{path}.{key}");
                var entry = Build(o =>
                {
                    o.WriteTag(1, WireFormat.WireType.LengthDelimited);
                    o.WriteString(key);
                    o.WriteTag(2, WireFormat.WireType.LengthDelimited);
                    if (field.Kind == FieldKind.QuantityMap)
                        o.WriteBytes(ByteString.CopyFrom(Build(q => { q.WriteTag(1, WireFormat.WireType.LengthDelimited); q.WriteString(text); })));
                    else
                        o.WriteString(text);
                });
                yield return Build(o => { o.WriteTag(field.Number, WireFormat.WireType.LengthDelimited); o.WriteBytes(ByteString.CopyFrom(entry)); });
            }
            yield break;
        }
        if (node is not JsonArray list)
            throw new SchemaException($"{path[1..]}: expected an array, got {node.GetValueKind()}");
        for (var i = 0; i < list.Count; i++)
            yield return Piece(field, list[i], $"{path}[{i}]");
    }

    private static byte[] Piece(Field field, JsonNode? node, string path) => Build(o =>
    {
        switch (field.Kind)
        {
            case FieldKind.String:
                o.WriteTag(field.Number, WireFormat.WireType.LengthDelimited);
                o.WriteString(node is null ? "" : AsString(node, path));
                break;
            case FieldKind.Bytes:
                o.WriteTag(field.Number, WireFormat.WireType.LengthDelimited);
                o.WriteBytes(ByteString.CopyFrom(node is null ? [] : Base64(AsString(node, path), path)));
                break;
            case FieldKind.Int32:
                o.WriteTag(field.Number, WireFormat.WireType.Varint);
                o.WriteInt32(node is null ? 0 : checked((int)AsLong(node, path)));
                break;
            case FieldKind.Int64:
                o.WriteTag(field.Number, WireFormat.WireType.Varint);
                o.WriteInt64(node is null ? 0 : AsLong(node, path));
                break;
            case FieldKind.Bool:
                o.WriteTag(field.Number, WireFormat.WireType.Varint);
                o.WriteBool(node is not null && AsBool(node, path));
                break;
            case FieldKind.Message:
                if (node is not null and not JsonObject)
                    throw new SchemaException($"{path[1..]}: expected an object, got {node.GetValueKind()}");
                o.WriteTag(field.Number, WireFormat.WireType.LengthDelimited);
                o.WriteBytes(ByteString.CopyFrom(Encode(node as JsonObject, field.Message!, path)));
                break;
            case FieldKind.Time:
                o.WriteTag(field.Number, WireFormat.WireType.LengthDelimited);
                o.WriteBytes(ByteString.CopyFrom(TimeBytes(node, path)));
                break;
            case FieldKind.RawJson:
                o.WriteTag(field.Number, WireFormat.WireType.LengthDelimited);
                o.WriteBytes(ByteString.CopyFrom(Build(r =>
                {
                    r.WriteTag(1, WireFormat.WireType.LengthDelimited);
                    r.WriteBytes(ByteString.CopyFromUtf8(node?.ToJsonString(GoJson) ?? "null"));
                })));
                break;
            case FieldKind.IntOrString:
                o.WriteTag(field.Number, WireFormat.WireType.LengthDelimited);
                o.WriteBytes(ByteString.CopyFrom(IntOrStringBytes(node, path)));
                break;
            default:
                throw new InvalidOperationException($"unhandled field kind {field.Kind} at {path}");
        }
    });

    private static byte[] TimeBytes(JsonNode? node, string path)
    {
        if (node is null)
            return [];
        if (!KubeTime.TryParse(AsString(node, path), out var seconds, out var nanos))
            throw new SchemaException($"{path[1..]}: expected an RFC 3339 time such as 2024-01-02T03:04:05Z, got {node.ToJsonString()}");
        return Build(o =>
        {
            o.WriteTag(1, WireFormat.WireType.Varint);
            o.WriteInt64(seconds);
            o.WriteTag(2, WireFormat.WireType.Varint);
            o.WriteInt32(nanos);
        });
    }

    private static byte[] IntOrStringBytes(JsonNode? node, string path)
    {
        var isString = node is JsonValue v && v.GetValueKind() == JsonValueKind.String;
        return Build(o =>
        {
            o.WriteTag(1, WireFormat.WireType.Varint);
            o.WriteInt64(isString ? 1 : 0);
            o.WriteTag(2, WireFormat.WireType.Varint);
            o.WriteInt32(isString || node is null ? 0 : checked((int)AsLong(node, path)));
            o.WriteTag(3, WireFormat.WireType.LengthDelimited);
            o.WriteString(isString ? (string)node! : "");
        });
    }

    private static byte[] Base64(string text, string path)
    {
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw new SchemaException($"{path[1..]}: expected base64 bytes");
        }
    }

    private static string AsString(JsonNode node, string path) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String
            ? v.GetValue<string>()
            : throw new SchemaException($"{path[1..]}: expected a string, got {node.ToJsonString()}");

    private static long AsLong(JsonNode node, string path) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<long>(out var l)
            ? l
            : node is JsonValue w && w.TryGetValue<int>(out var i)
                ? i
                : throw new SchemaException($"{path[1..]}: expected an integer, got {node.ToJsonString()}");

    private static bool AsBool(JsonNode node, string path) =>
        node is JsonValue v && v.TryGetValue<bool>(out var b)
            ? b
            : throw new SchemaException($"{path[1..]}: expected true or false, got {node.ToJsonString()}");

    private static byte[] Build(Action<CodedOutputStream> write)
    {
        using var stream = new MemoryStream();
        using (var output = new CodedOutputStream(stream, leaveOpen: true))
            write(output);
        return stream.ToArray();
    }
}
