namespace Lab.StandIns.Storage;

/// <summary>How a Go field of a Kubernetes type is represented, in protobuf and in JSON.</summary>
internal enum FieldKind
{
    String,
    Int32,
    Int64,
    Bool,
    Message,
    /// <summary>map&lt;string,string&gt; (labels, selector, annotations).</summary>
    StringMap,
    /// <summary>map&lt;string,resource.Quantity&gt;; Quantity is message {string string = 1}, a JSON string.</summary>
    QuantityMap,
    /// <summary>meta/v1 Time: message {int64 seconds = 1; int32 nanos = 2}, an RFC 3339 JSON string.</summary>
    Time,
    /// <summary>intstr.IntOrString: message {int64 type = 1; int32 intVal = 2; string strVal = 3}.</summary>
    IntOrString,
    /// <summary>[]byte: protobuf bytes, a base64 JSON string.</summary>
    Bytes,
    /// <summary>meta/v1 FieldsV1: message {bytes Raw = 1} holding JSON, shown as that JSON value.</summary>
    RawJson,
}

/// <summary>
/// Go-side shape of a field, which decides what gogo-protobuf writes: a non-pointer field is always written
/// (even "" or 0 or an empty struct), a pointer only when set, a slice or map once per element.
/// </summary>
internal enum Presence
{
    Always,
    Pointer,
    Repeated,
}

/// <param name="OmitEmpty">Go's `json:",omitempty"`: leave the field out of JSON when it is the zero value.</param>
internal sealed record Field(int Number, string Json, FieldKind Kind, Presence Presence, MessageSchema? Message = null, bool OmitEmpty = true);

/// <summary>A protobuf message of k8s.io/api with the upstream field numbers (generated.proto).</summary>
internal sealed class MessageSchema
{
    private readonly Dictionary<int, Field> _byNumber;
    private readonly Dictionary<string, Field> _byJson;

    public MessageSchema(string name, params Field[] fields)
    {
        Name = name;
        Fields = fields.OrderBy(f => f.Number).ToArray();
        _byNumber = Fields.ToDictionary(f => f.Number);
        _byJson = Fields.ToDictionary(f => f.Json, StringComparer.Ordinal);
    }

    public string Name { get; }

    /// <summary>Fields in ascending field number: the order gogo-protobuf writes them.</summary>
    public IReadOnlyList<Field> Fields { get; }

    public Field? ByNumber(int number) => _byNumber.GetValueOrDefault(number);

    public Field? ByJson(string json) => _byJson.GetValueOrDefault(json);
}

/// <summary>Short constructors so the schema tables read like the .proto files.</summary>
internal static class F
{
    public static Field Str(int n, string json, bool omitEmpty = true) => new(n, json, FieldKind.String, Presence.Always, OmitEmpty: omitEmpty);
    public static Field StrPtr(int n, string json) => new(n, json, FieldKind.String, Presence.Pointer);
    public static Field Strs(int n, string json, bool omitEmpty = true) => new(n, json, FieldKind.String, Presence.Repeated, OmitEmpty: omitEmpty);
    public static Field I32(int n, string json, bool omitEmpty = true) => new(n, json, FieldKind.Int32, Presence.Always, OmitEmpty: omitEmpty);
    public static Field I32Ptr(int n, string json) => new(n, json, FieldKind.Int32, Presence.Pointer);
    public static Field I64(int n, string json, bool omitEmpty = true) => new(n, json, FieldKind.Int64, Presence.Always, OmitEmpty: omitEmpty);
    public static Field I64Ptr(int n, string json) => new(n, json, FieldKind.Int64, Presence.Pointer);
    public static Field Bool(int n, string json, bool omitEmpty = true) => new(n, json, FieldKind.Bool, Presence.Always, OmitEmpty: omitEmpty);
    public static Field BoolPtr(int n, string json) => new(n, json, FieldKind.Bool, Presence.Pointer);
    public static Field Msg(int n, string json, MessageSchema m) => new(n, json, FieldKind.Message, Presence.Always, m, OmitEmpty: false);
    public static Field MsgPtr(int n, string json, MessageSchema m) => new(n, json, FieldKind.Message, Presence.Pointer, m);
    public static Field Msgs(int n, string json, MessageSchema m, bool omitEmpty = true) => new(n, json, FieldKind.Message, Presence.Repeated, m, omitEmpty);
    public static Field Map(int n, string json) => new(n, json, FieldKind.StringMap, Presence.Repeated);
    public static Field Quantities(int n, string json) => new(n, json, FieldKind.QuantityMap, Presence.Repeated);
    public static Field Time(int n, string json) => new(n, json, FieldKind.Time, Presence.Always, OmitEmpty: false);
    public static Field TimePtr(int n, string json) => new(n, json, FieldKind.Time, Presence.Pointer);
    public static Field RawJsonPtr(int n, string json) => new(n, json, FieldKind.RawJson, Presence.Pointer);
    public static Field Bytes(int n, string json) => new(n, json, FieldKind.Bytes, Presence.Always);
    public static Field IntOrStr(int n, string json) => new(n, json, FieldKind.IntOrString, Presence.Always, OmitEmpty: false);
}
