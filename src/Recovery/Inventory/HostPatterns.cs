namespace Recovery.Inventory;

/// <summary>
/// OpenSSH host patterns (ssh_config(5) PATTERNS; match.c): `*` any run of characters, `?` exactly one, `!` before a
/// pattern negates it. Names compare case-insensitively, as ssh lowercases the host it matches. One matcher for
/// known_hosts names and ssh_config `Host` lines.
/// </summary>
internal static class HostPatterns
{
    /// <summary>
    /// Whether a list of patterns matches <paramref name="name"/>: a negated pattern that matches vetoes the whole list,
    /// and a negated pattern alone never produces a match ("a negated match will never produce a positive result by itself").
    /// </summary>
    public static bool ListMatches(IEnumerable<string> patterns, string name)
    {
        name = name.ToLowerInvariant();
        var matched = false;
        foreach (var raw in patterns)
        {
            var pattern = raw.ToLowerInvariant();
            var negated = pattern.StartsWith('!');
            if (negated) pattern = pattern[1..];
            if (!Glob(pattern, name)) continue;
            if (negated) return false;
            matched = true;
        }
        return matched;
    }

    public static bool Glob(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        while (true)
        {
            if (pattern.IsEmpty) return text.IsEmpty;
            if (pattern[0] == '*')
            {
                for (var skip = 0; skip <= text.Length; skip++)
                {
                    if (Glob(pattern[1..], text[skip..])) return true;
                }
                return false;
            }
            if (text.IsEmpty || pattern[0] != '?' && pattern[0] != text[0]) return false;
            pattern = pattern[1..];
            text = text[1..];
        }
    }
}
