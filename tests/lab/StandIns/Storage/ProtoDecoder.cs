using System.Text.Json.Nodes;
using Google.Protobuf;

namespace Lab.StandIns.Storage;

/// <summary>
/// Protobuf (gogo-protobuf as written by the kube-apiserver) to the object's JSON form, with Go's
/// encoding/json rules for what appears (omitempty, structs always, zero Time as null).
/// Fields the schema does not know are kept, as raw tagged bytes, under <see cref="ProtoJson.UnknownKey"/>.
/// </summary>
internal static class ProtoDecoder
{
    public static JsonObject Decode(byte[] bytes, MessageSchema schema, string path = "")
    {
        var seen = new Dictionary<int, JsonNode?>();
        var unknown = new JsonArray();
        var input = new CodedInputStream(bytes);
        while (true)
        {
            var start = (int)input.Position;
            var tag = input.ReadTag();
            if (tag == 0)
                break;
            var field = schema.ByNumber(WireFormat.GetTagFieldNumber(tag));
            if (field is null || WireFormat.GetTagWireType(tag) != ExpectedWireType(field.Kind))
            {
                input.SkipLastField();
                unknown.Add(Convert.ToBase64String(bytes, start, (int)input.Position - start));
                continue;
            }
            var value = ReadValue(input, field, $"{path}.{field.Json}");
            if (field.Presence == Presence.Repeated)
            {
                if (field.Kind is FieldKind.StringMap or FieldKind.QuantityMap)
                {
                    var map = (JsonObject)(seen.GetValueOrDefault(field.Number) ?? (seen[field.Number] = new JsonObject()))!;
                    var entry = (JsonArray)value!;
                    map[(string)entry[0]!] = entry[1]!.DeepClone();
                }
                else
                {
                    var list = (JsonArray)(seen.GetValueOrDefault(field.Number) ?? (seen[field.Number] = new JsonArray()))!;
                    list.Add(value);
                }
            }
            else
            {
                seen[field.Number] = value;
            }
        }
        return Shape(schema, seen, unknown, path);
    }

    private static JsonObject Shape(MessageSchema schema, Dictionary<int, JsonNode?> seen, JsonArray unknown, string path)
    {
        var result = new JsonObject();
        foreach (var field in schema.Fields)
        {
            var present = seen.TryGetValue(field.Number, out var value);
            switch (field.Presence)
            {
                case Presence.Pointer:
                    if (present)
                        result[field.Json] = value;
                    break;
                case Presence.Repeated:
                    if (present && (value is JsonArray { Count: > 0 } || value is JsonObject { Count: > 0 }))
                        result[field.Json] = value;
                    else if (!field.OmitEmpty)
                        result[field.Json] = null;
                    break;
                default:
                    value = present ? value : ZeroValue(field, $"{path}.{field.Json}");
                    if (!field.OmitEmpty || !IsZero(value))
                        result[field.Json] = value;
                    break;
            }
        }
        if (unknown.Count > 0)
            result[ProtoJson.UnknownKey] = unknown;
        return result;
    }

    private static JsonNode? ZeroValue(Field field, string path) => field.Kind switch
    {
        FieldKind.String or FieldKind.Bytes => "",
        FieldKind.Int32 or FieldKind.Int64 => 0,
        FieldKind.Bool => false,
        FieldKind.Message => Decode([], field.Message!, path),
        FieldKind.IntOrString => 0,
        _ => null,
    };

    private static bool IsZero(JsonNode? value) => value switch
    {
        null => true,
        JsonValue v when v.TryGetValue<string>(out var s) => s.Length == 0,
        JsonValue v when v.TryGetValue<bool>(out var b) => !b,
        JsonValue v when v.TryGetValue<long>(out var l) => l == 0,
        JsonValue v when v.TryGetValue<int>(out var i) => i == 0,
        _ => false,
    };

    private static WireFormat.WireType ExpectedWireType(FieldKind kind) =>
        kind is FieldKind.Int32 or FieldKind.Int64 or FieldKind.Bool ? WireFormat.WireType.Varint : WireFormat.WireType.LengthDelimited;

    private static JsonNode? ReadValue(CodedInputStream input, Field field, string path) => field.Kind switch
    {
        FieldKind.String => input.ReadString(),
        FieldKind.Bytes => Convert.ToBase64String(input.ReadBytes().Span),
        FieldKind.Int32 => input.ReadInt32(),
        FieldKind.Int64 => input.ReadInt64(),
        FieldKind.Bool => input.ReadBool(),
        FieldKind.Message => Decode(input.ReadBytes().ToByteArray(), field.Message!, path),
        FieldKind.Time => ReadTime(input.ReadBytes().ToByteArray()),
        FieldKind.RawJson => ReadRawJson(input.ReadBytes().ToByteArray()),
        FieldKind.IntOrString => ReadIntOrString(input.ReadBytes().ToByteArray()),
        FieldKind.StringMap => ReadMapEntry(input.ReadBytes().ToByteArray(), quantity: false),
        FieldKind.QuantityMap => ReadMapEntry(input.ReadBytes().ToByteArray(), quantity: true),
        _ => throw new InvalidOperationException($"unhandled field kind {field.Kind}"),
    };

    private static JsonNode? ReadTime(byte[] bytes)
    {
        if (bytes.Length == 0)
            return null;
        long seconds = 0;
        var nanos = 0;
        var input = new CodedInputStream(bytes);
        for (var tag = input.ReadTag(); tag != 0; tag = input.ReadTag())
        {
            switch (tag)
            {
                case 8: seconds = input.ReadInt64(); break;
                case 16: nanos = input.ReadInt32(); break;
                default: input.SkipLastField(); break;
            }
        }
        return KubeTime.Format(seconds, nanos);
    }

    private static JsonNode? ReadRawJson(byte[] bytes)
    {
        var input = new CodedInputStream(bytes);
        byte[] raw = [];
        for (var tag = input.ReadTag(); tag != 0; tag = input.ReadTag())
        {
            if (tag == 10)
                raw = input.ReadBytes().ToByteArray();
            else
                input.SkipLastField();
        }
        try
        {
            return raw.Length == 0 ? null : JsonNode.Parse(raw);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new InvalidDataException($"FieldsV1 is not JSON: {e.Message}", e);
        }
    }

    private static JsonNode ReadIntOrString(byte[] bytes)
    {
        long type = 0;
        var intVal = 0;
        var strVal = "";
        var input = new CodedInputStream(bytes);
        for (var tag = input.ReadTag(); tag != 0; tag = input.ReadTag())
        {
            switch (tag)
            {
                case 8: type = input.ReadInt64(); break;
                case 16: intVal = input.ReadInt32(); break;
                case 26: strVal = input.ReadString(); break;
                default: input.SkipLastField(); break;
            }
        }
        return type == 1 ? JsonValue.Create(strVal) : JsonValue.Create(intVal);
    }

    /// <summary>A map entry as a two-element array [key, value].</summary>
    private static JsonArray ReadMapEntry(byte[] bytes, bool quantity)
    {
        var key = "";
        var value = "";
        var input = new CodedInputStream(bytes);
        for (var tag = input.ReadTag(); tag != 0; tag = input.ReadTag())
        {
            switch (tag)
            {
                case 10: key = input.ReadString(); break;
                case 18 when quantity: value = ReadQuantity(input.ReadBytes().ToByteArray()); break;
                case 18: value = input.ReadString(); break;
                default: input.SkipLastField(); break;
            }
        }
        return [key, value];
    }

    private static string ReadQuantity(byte[] bytes)
    {
        var input = new CodedInputStream(bytes);
        var text = "";
        for (var tag = input.ReadTag(); tag != 0; tag = input.ReadTag())
        {
            if (tag == 10)
                text = input.ReadString();
            else
                input.SkipLastField();
        }
        return text;
    }
}
