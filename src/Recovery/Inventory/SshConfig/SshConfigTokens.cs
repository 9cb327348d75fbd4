namespace Recovery.Inventory.SshConfig;

/// <summary>
/// Splits one ssh_config line as OpenSSH does (readconf.c process_config_line, misc.c argv_split): the keyword ends at
/// whitespace or `=`, one `=` may separate it from the arguments (`Port=22`, `Port = 22`), arguments are split on
/// whitespace, "double" or 'single' quotes keep spaces, a backslash makes a quote, backslash or space literal, and an
/// unquoted `#` at the start of an argument ends the line.
/// </summary>
internal static class SshConfigTokens
{
    /// <returns>null for a blank or comment line.</returns>
    /// <exception cref="FormatException">An unterminated quote.</exception>
    public static (string Keyword, IReadOnlyList<string> Args)? Split(string line)
    {
        var text = line.AsSpan().Trim();
        if (text.IsEmpty || text[0] == '#') return null;
        var end = text.IndexOfAny(" \t=");
        if (end < 0) return (text.ToString().ToLowerInvariant(), []);
        var keyword = text[..end].ToString().ToLowerInvariant();
        var rest = text[end..].TrimStart(" \t");
        if (rest.StartsWith("=")) rest = rest[1..].TrimStart(" \t");
        return (keyword, Arguments(rest.ToString()));
    }

    private static List<string> Arguments(string text)
    {
        var args = new List<string>();
        var i = 0;
        while (true)
        {
            while (i < text.Length && text[i] is ' ' or '\t') i++;
            if (i >= text.Length || text[i] == '#') return args;
            var arg = new System.Text.StringBuilder();
            char? quote = null;
            for (; i < text.Length; i++)
            {
                var c = text[i];
                if (c == '\\' && i + 1 < text.Length && text[i + 1] is '\\' or '"' or '\'' or ' ' or '\t')
                {
                    arg.Append(text[++i]);
                }
                else if (quote is null && c is ' ' or '\t')
                {
                    break;
                }
                else if (quote is null && c is '"' or '\'')
                {
                    quote = c;
                }
                else if (c == quote)
                {
                    quote = null;
                }
                else
                {
                    arg.Append(c);
                }
            }
            if (quote is not null) throw new FormatException($"unterminated {quote} quote");
            args.Add(arg.ToString());
        }
    }
}
