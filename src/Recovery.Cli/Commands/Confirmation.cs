namespace Recovery.Cli.Commands;

/// <summary>recover acts only with the operator's yes: typed at a terminal, or given as --yes by a script.</summary>
internal static class Confirmation
{
    public enum Answer { Yes, No, NoTerminal }

    public static Answer Ask(bool yes, TextReader input, TextWriter prompt, bool interactive)
    {
        if (yes) return Answer.Yes;
        if (!interactive) return Answer.NoTerminal;
        prompt.Write("Execute this plan? Type 'yes' to go on: ");
        prompt.Flush();
        return input.ReadLine()?.Trim() is "yes" or "y" ? Answer.Yes : Answer.No;
    }
}
