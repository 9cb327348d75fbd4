namespace Recovery.Kubernetes.Storage;

/// <summary>
/// One field as found on the wire. Offsets are absolute (from the start of the whole etcd value) so that
/// errors and edits can point at the exact bytes. <see cref="Payload"/> is the content of a length-delimited
/// field or of a group; <see cref="Varint"/> the value of a varint field.
/// </summary>
internal readonly ref struct ProtoField
{
    public ProtoField(int number, WireType type, ulong varint, ReadOnlySpan<byte> payload, int start, int tagEnd, int payloadStart, int end)
    {
        Number = number;
        Type = type;
        Varint = varint;
        Payload = payload;
        Start = start;
        TagEnd = tagEnd;
        PayloadStart = payloadStart;
        End = end;
    }

    public int Number { get; }
    public WireType Type { get; }
    public ulong Varint { get; }
    public ReadOnlySpan<byte> Payload { get; }

    /// <summary>Offset of the first tag byte.</summary>
    public int Start { get; }

    /// <summary>Offset just after the tag (where a length prefix starts).</summary>
    public int TagEnd { get; }

    public int PayloadStart { get; }

    /// <summary>Offset just after the field.</summary>
    public int End { get; }
}
