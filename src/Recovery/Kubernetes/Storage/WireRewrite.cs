namespace Recovery.Kubernetes.Storage;

/// <summary>
/// Rewrites one protobuf message, field by field: every field the editor keeps is copied byte for byte (tag,
/// length and payload exactly as they were, unknown fields included, in order); a replaced field keeps its tag
/// bytes and gets a new length; a dropped field disappears. Returns null when nothing changed.
/// </summary>
internal static class WireRewrite
{
    public delegate FieldEdit Editor(ref ProtoReader reader, in ProtoField field);

    public static byte[]? Message(ReadOnlySpan<byte> message, int origin, string context, int depth, Editor editor)
    {
        var reader = new ProtoReader(message, origin, context, depth);
        ProtoWriter? writer = null;
        var copied = 0;
        while (reader.Next(out var field))
        {
            var edit = editor(ref reader, field);
            if (edit.Kind == FieldEditKind.Keep) continue;
            writer ??= new ProtoWriter(message.Length);
            writer.Raw(message[copied..(field.Start - origin)]);
            if (edit.Kind == FieldEditKind.Replace)
            {
                writer.Raw(message[(field.Start - origin)..(field.TagEnd - origin)]);
                writer.Varint((ulong)edit.Payload!.Length);
                writer.Raw(edit.Payload);
            }

            copied = field.End - origin;
        }

        if (writer is null) return null;
        writer.Raw(message[copied..]);
        return writer.ToArray();
    }
}

internal enum FieldEditKind
{
    Keep,
    Drop,
    Replace,
}

/// <summary>What <see cref="WireRewrite"/> does with one field.</summary>
internal readonly record struct FieldEdit(FieldEditKind Kind, byte[]? Payload)
{
    public static FieldEdit Keep => new(FieldEditKind.Keep, null);

    public static FieldEdit Drop => new(FieldEditKind.Drop, null);

    /// <summary>Replace the payload when <paramref name="payload"/> is not null, else keep the field.</summary>
    public static FieldEdit ReplaceWith(byte[]? payload) => payload is null ? Keep : new(FieldEditKind.Replace, payload);
}
