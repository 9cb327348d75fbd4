using Google.Protobuf;

namespace Recovery.Tests.Kubernetes;

/// <summary>
/// An independent protobuf encoder for test values, built on Google.Protobuf's CodedOutputStream (not on the
/// codec under test): hand-assembled Kubernetes objects with the field numbers of k8s.io/api generated.proto.
/// </summary>
internal sealed class Proto
{
    private readonly MemoryStream _stream = new();
    private readonly CodedOutputStream _out;

    public Proto() => _out = new CodedOutputStream(_stream);

    public Proto Str(int field, string value)
    {
        _out.WriteTag(field, WireFormat.WireType.LengthDelimited);
        _out.WriteString(value);
        return this;
    }

    public Proto Int(int field, long value)
    {
        _out.WriteTag(field, WireFormat.WireType.Varint);
        _out.WriteInt64(value);
        return this;
    }

    public Proto Msg(int field, Proto inner)
    {
        _out.WriteTag(field, WireFormat.WireType.LengthDelimited);
        _out.WriteBytes(ByteString.CopyFrom(inner.Bytes()));
        return this;
    }

    public Proto Fixed32(int field, uint value)
    {
        _out.WriteTag(field, WireFormat.WireType.Fixed32);
        _out.WriteFixed32(value);
        return this;
    }

    public byte[] Bytes()
    {
        _out.Flush();
        return _stream.ToArray();
    }

    /// <summary>k8s\0 + runtime.Unknown{typeMeta, raw, contentEncoding "", contentType ""}, as the apiserver writes it.</summary>
    public static byte[] Envelope(string apiVersion, string kind, byte[] raw)
    {
        var unknown = new Proto()
            .Msg(1, new Proto().Str(1, apiVersion).Str(2, kind))
            .Msg(2, new RawBytes(raw))
            .Str(3, "")
            .Str(4, "");
        return [.. "k8s\0"u8.ToArray(), .. unknown.Bytes()];
    }

    public Proto Msg(int field, RawBytes raw)
    {
        _out.WriteTag(field, WireFormat.WireType.LengthDelimited);
        _out.WriteBytes(ByteString.CopyFrom(raw.Value));
        return this;
    }

    public sealed record RawBytes(byte[] Value);
}
