namespace Recovery.Inventory.SshConfig;

/// <summary>One keyword line of an ssh_config file: the keyword lowercased (keywords are case-insensitive), its arguments unquoted.</summary>
internal sealed record SshConfigLine(string Keyword, IReadOnlyList<string> Args, string Source, int Line)
{
    /// <summary>file:line, as every log line and error names where a setting came from.</summary>
    public string Origin => $"{Source}:{Line}";
}

/// <summary>
/// The `Host` or `Match` lines a keyword line sits under (an `Include` inside a block adds the file's own): the line
/// applies only when every one of them matches. <see cref="Patterns"/> null: `Match all`, or a `Match` this tool does
/// not evaluate (<see cref="Never"/>).
/// </summary>
internal sealed record SshConfigCondition(IReadOnlyList<string>? Patterns, bool Never = false)
{
    public bool Applies(IReadOnlyList<string> hostNames) =>
        !Never && (Patterns is null || hostNames.Any(name => HostPatterns.ListMatches(Patterns, name)));
}

/// <summary>A keyword line and the conditions it is under.</summary>
internal sealed record SshConfigEntry(SshConfigLine Line, IReadOnlyList<SshConfigCondition> Conditions)
{
    public bool Applies(IReadOnlyList<string> hostNames) => Conditions.All(c => c.Applies(hostNames));
}
