namespace Lab.StandIns.Tests;

/// <summary>
/// A deliberately separate protobuf wire walker for assertions (no schema, no Google.Protobuf): lists the
/// top-level fields of a message as (number, varint or bytes), in the order they are written.
/// </summary>
internal static class Wire
{
    public sealed record WireField(int Number, ulong Varint, byte[]? Bytes)
    {
        public string Text => System.Text.Encoding.UTF8.GetString(Bytes!);
    }

    public static List<WireField> Fields(byte[] message)
    {
        var fields = new List<WireField>();
        var i = 0;
        while (i < message.Length)
        {
            var tag = Varint(message, ref i);
            var number = (int)(tag >> 3);
            switch (tag & 7)
            {
                case 0:
                    fields.Add(new WireField(number, Varint(message, ref i), null));
                    break;
                case 2:
                    var length = (int)Varint(message, ref i);
                    fields.Add(new WireField(number, 0, message[i..(i + length)]));
                    i += length;
                    break;
                default:
                    throw new InvalidDataException($"unexpected wire type {tag & 7} at offset {i}");
            }
        }
        return fields;
    }

    public static WireField One(byte[] message, int number) => Fields(message).Single(f => f.Number == number);

    public static IEnumerable<WireField> All(byte[] message, int number) => Fields(message).Where(f => f.Number == number);

    private static ulong Varint(byte[] b, ref int i)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var x = b[i++];
            value |= (ulong)(x & 0x7f) << shift;
            if (x < 0x80)
                return value;
        }
    }
}
