using Google.Protobuf;

namespace Lab.StandIns.Storage;

/// <summary>
/// The kube-apiserver's protobuf storage envelope: magic "k8s\0", then runtime.Unknown
/// {typeMeta = 1 {apiVersion = 1, kind = 2}, raw = 2, contentEncoding = 3, contentType = 4}; the Go
/// encoder writes every field, 3 and 4 as empty strings.
/// </summary>
internal sealed record Envelope(string ApiVersion, string Kind, byte[] Raw)
{
    private static readonly byte[] Magic = "k8s\0"u8.ToArray();

    public byte[] ToBytes()
    {
        using var stream = new MemoryStream();
        stream.Write(Magic);
        using (var o = new CodedOutputStream(stream, leaveOpen: true))
        {
            using var typeMeta = new MemoryStream();
            using (var t = new CodedOutputStream(typeMeta, leaveOpen: true))
            {
                t.WriteTag(1, WireFormat.WireType.LengthDelimited);
                t.WriteString(ApiVersion);
                t.WriteTag(2, WireFormat.WireType.LengthDelimited);
                t.WriteString(Kind);
            }
            o.WriteTag(1, WireFormat.WireType.LengthDelimited);
            o.WriteBytes(ByteString.CopyFrom(typeMeta.ToArray()));
            o.WriteTag(2, WireFormat.WireType.LengthDelimited);
            o.WriteBytes(ByteString.CopyFrom(Raw));
            o.WriteTag(3, WireFormat.WireType.LengthDelimited);
            o.WriteString("");
            o.WriteTag(4, WireFormat.WireType.LengthDelimited);
            o.WriteString("");
        }
        return stream.ToArray();
    }

    /// <summary>Reads a stored value; a clear message when it is not the protobuf envelope.</summary>
    public static Envelope Parse(ReadOnlySpan<byte> value)
    {
        if (value.StartsWith("k8s:enc:"u8))
            throw new InvalidDataException("value is encrypted at rest (k8s:enc:...), the lab does not decrypt");
        if (value.Length > 0 && value[0] == (byte)'{')
            throw new InvalidDataException("value is JSON, the lab stores and reads protobuf (k8s\\0 envelope)");
        if (!value.StartsWith(Magic))
            throw new InvalidDataException("value does not start with the k8s\\0 protobuf magic");
        try
        {
            return ParseUnknown(value[Magic.Length..].ToArray());
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"the runtime.Unknown after k8s\\0 is not valid protobuf ({e.Message})", e);
        }
    }

    private static Envelope ParseUnknown(byte[] bytes)
    {
        string apiVersion = "", kind = "";
        byte[] raw = [];
        var input = new CodedInputStream(bytes);
        for (var tag = input.ReadTag(); tag != 0; tag = input.ReadTag())
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1:
                    var typeMeta = new CodedInputStream(input.ReadBytes().ToByteArray());
                    for (var t = typeMeta.ReadTag(); t != 0; t = typeMeta.ReadTag())
                    {
                        if (t == 10) apiVersion = typeMeta.ReadString();
                        else if (t == 18) kind = typeMeta.ReadString();
                        else typeMeta.SkipLastField();
                    }
                    break;
                case 2:
                    raw = input.ReadBytes().ToByteArray();
                    break;
                default:
                    input.SkipLastField();
                    break;
            }
        }
        return new Envelope(apiVersion, kind, raw);
    }
}
