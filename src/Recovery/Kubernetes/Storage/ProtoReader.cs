using System.Text;

namespace Recovery.Kubernetes.Storage;

/// <summary>
/// A bounds-checked protocol buffers wire reader over one message. Every length is checked against the bytes
/// left before anything is sliced, varints are at most 10 bytes, groups are skipped with a nesting limit, and
/// nothing is allocated in proportion to a claimed length. Any problem is a <see cref="StorageFormatException"/>.
/// </summary>
internal ref struct ProtoReader
{
    /// <summary>Messages nested deeper than this are refused (Kubernetes objects are far shallower).</summary>
    public const int MaxDepth = 32;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ReadOnlySpan<byte> _data;
    private readonly int _origin;
    private readonly int _depth;
    private readonly string _context;
    private int _position;

    /// <param name="data">The message bytes.</param>
    /// <param name="origin">Absolute offset of <paramref name="data"/>[0] in the whole value (for messages and edits).</param>
    /// <param name="context">What this message is (e.g. "Service.spec"), for error messages.</param>
    /// <param name="depth">Nesting depth of this message.</param>
    public ProtoReader(ReadOnlySpan<byte> data, int origin, string context, int depth = 0)
    {
        if (depth > MaxDepth) throw StorageFormatException.At(origin, context, $"messages nested deeper than {MaxDepth} levels");
        _data = data;
        _origin = origin;
        _context = context;
        _depth = depth;
        _position = 0;
    }

    public readonly string Context => _context;

    /// <summary>Reads the next field; false at the end of the message.</summary>
    public bool Next(out ProtoField field)
    {
        if (_position >= _data.Length)
        {
            field = default;
            return false;
        }

        var start = _position;
        var tag = ReadVarint("a field tag");
        var number = tag >> 3;
        var type = (int)(tag & 7);
        if (number == 0 || number > 536_870_911) throw Error(start, $"invalid field number {number}");
        if (type > 5) throw Error(start, $"invalid wire type {type} for field {number}");
        var tagEnd = _position;
        switch ((WireType)type)
        {
            case WireType.Varint:
            {
                var value = ReadVarint($"the varint value of field {number}");
                field = new ProtoField((int)number, WireType.Varint, value, default, _origin + start, _origin + tagEnd, _origin + tagEnd, _origin + _position);
                return true;
            }
            case WireType.Fixed64:
            case WireType.Fixed32:
            {
                var size = type == 1 ? 8 : 4;
                if (_data.Length - _position < size) throw Error(_position, $"field {number} needs {size} fixed bytes, only {_data.Length - _position} left");
                var payload = _data.Slice(_position, size);
                _position += size;
                field = new ProtoField((int)number, (WireType)type, 0, payload, _origin + start, _origin + tagEnd, _origin + tagEnd, _origin + _position);
                return true;
            }
            case WireType.LengthDelimited:
            {
                var lengthAt = _position;
                var length = ReadVarint($"the length of field {number}");
                var left = _data.Length - _position;
                if (length > (ulong)left) throw Error(lengthAt, $"field {number} claims {length} bytes but only {left} are left");
                var payloadStart = _position;
                var payload = _data.Slice(_position, (int)length);
                _position += (int)length;
                field = new ProtoField((int)number, WireType.LengthDelimited, 0, payload, _origin + start, _origin + tagEnd, _origin + payloadStart, _origin + _position);
                return true;
            }
            case WireType.StartGroup:
            {
                var contentStart = _position;
                var contentEnd = SkipGroup((int)number, start);
                var payload = _data[contentStart..contentEnd];
                field = new ProtoField((int)number, WireType.StartGroup, 0, payload, _origin + start, _origin + tagEnd, _origin + contentStart, _origin + _position);
                return true;
            }
            default:
                throw Error(start, $"end-group tag for field {number} without a matching start-group");
        }
    }

    /// <summary>A reader over a length-delimited field holding a nested message.</summary>
    public readonly ProtoReader Message(in ProtoField field, string context)
    {
        Expect(field, WireType.LengthDelimited);
        return new ProtoReader(field.Payload, field.PayloadStart, context, _depth + 1);
    }

    /// <summary>The payload of a length-delimited field (bytes, not text).</summary>
    public readonly ReadOnlySpan<byte> Bytes(in ProtoField field)
    {
        Expect(field, WireType.LengthDelimited);
        return field.Payload;
    }

    public readonly string String(in ProtoField field)
    {
        Expect(field, WireType.LengthDelimited);
        try
        {
            return StrictUtf8.GetString(field.Payload);
        }
        catch (DecoderFallbackException)
        {
            throw StorageFormatException.At(field.PayloadStart, _context, $"field {field.Number} is not valid UTF-8 text");
        }
    }

    public readonly long Int(in ProtoField field)
    {
        Expect(field, WireType.Varint);
        return (long)field.Varint;
    }

    public readonly bool Bool(in ProtoField field) => Int(field) != 0;

    private readonly void Expect(in ProtoField field, WireType type)
    {
        if (field.Type != type) throw StorageFormatException.At(field.Start, _context, $"field {field.Number} should be {Describe(type)} but is {Describe(field.Type)}");
    }

    private static string Describe(WireType type) => type switch
    {
        WireType.LengthDelimited => "length-delimited",
        WireType.Varint => "a varint",
        WireType.Fixed32 => "fixed 32-bit",
        WireType.Fixed64 => "fixed 64-bit",
        _ => "a group",
    };

    /// <summary>Skips to the end-group tag matching <paramref name="number"/>; returns where the group's content ends.</summary>
    private int SkipGroup(int number, int start)
    {
        var open = new Stack<int>();
        open.Push(number);
        while (true)
        {
            if (_position >= _data.Length) throw Error(start, $"group {number} is not closed before the end of the message");
            var at = _position;
            var tag = ReadVarint("a field tag inside a group");
            var n = tag >> 3;
            var t = (int)(tag & 7);
            if (n == 0 || n > 536_870_911) throw Error(at, $"invalid field number {n} inside a group");
            switch (t)
            {
                case 0:
                    ReadVarint("a varint inside a group");
                    break;
                case 1:
                case 5:
                    var size = t == 1 ? 8 : 4;
                    if (_data.Length - _position < size) throw Error(_position, $"fixed field {n} needs {size} bytes, only {_data.Length - _position} left");
                    _position += size;
                    break;
                case 2:
                    var lengthAt = _position;
                    var length = ReadVarint("a length inside a group");
                    if (length > (ulong)(_data.Length - _position)) throw Error(lengthAt, $"field {n} claims {length} bytes but only {_data.Length - _position} are left");
                    _position += (int)length;
                    break;
                case 3:
                    if (open.Count + _depth >= MaxDepth) throw Error(at, $"groups nested deeper than {MaxDepth} levels");
                    open.Push((int)n);
                    break;
                case 4:
                    if (open.Pop() != (int)n) throw Error(at, $"end-group tag for field {n} does not match the open group");
                    if (open.Count == 0) return at;
                    break;
                default:
                    throw Error(at, $"invalid wire type {t} for field {n}");
            }
        }
    }

    private ulong ReadVarint(string what)
    {
        var start = _position;
        ulong result = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            if (_position >= _data.Length) throw Error(start, $"the message ends inside {what}");
            var b = _data[_position++];
            if (shift == 63 && b > 1) throw Error(start, $"{what} overflows 64 bits");
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return result;
        }

        throw Error(start, $"{what} is longer than 10 bytes");
    }

    private readonly StorageFormatException Error(int relative, string problem) => StorageFormatException.At(_origin + relative, _context, problem);
}
