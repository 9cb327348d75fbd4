using System.Buffers;

namespace Recovery.Kubernetes.Storage;

/// <summary>Appends protocol buffers wire data (minimal varints, as Go's encoder writes them).</summary>
internal sealed class ProtoWriter
{
    private readonly ArrayBufferWriter<byte> _buffer;

    public ProtoWriter(int capacity = 256) => _buffer = new ArrayBufferWriter<byte>(Math.Max(16, capacity));

    public int Length => _buffer.WrittenCount;

    public void Raw(ReadOnlySpan<byte> bytes) => _buffer.Write(bytes);

    public void Varint(ulong value)
    {
        Span<byte> scratch = stackalloc byte[10];
        var n = 0;
        while (value >= 0x80)
        {
            scratch[n++] = (byte)(value | 0x80);
            value >>= 7;
        }

        scratch[n++] = (byte)value;
        _buffer.Write(scratch[..n]);
    }

    public void Tag(int number, WireType type) => Varint(((ulong)number << 3) | (ulong)type);

    public void Bytes(int number, ReadOnlySpan<byte> payload)
    {
        Tag(number, WireType.LengthDelimited);
        Varint((ulong)payload.Length);
        Raw(payload);
    }

    public void String(int number, string text) => Bytes(number, System.Text.Encoding.UTF8.GetBytes(text));

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();
}
