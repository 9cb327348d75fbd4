namespace Recovery.Logging;

/// <summary>Shows an untrusted value in a message without letting it move the cursor, forge lines or flood the screen.</summary>
internal static class SafeText
{
    public static string Of(string value, int max = 80)
    {
        var text = string.Concat(value.Select(ch => char.IsControl(ch) ? $"\\u{(int)ch:x4}" : ch.ToString()));
        return text.Length > max ? text[..max] + "..." : text;
    }
}
