namespace Recovery.Access;

/// <summary>
/// A command built from typed values, never from strings pasted together. A simple command is an argv list;
/// sequences join commands with `&amp;&amp;`, `||` or `;`. <see cref="Render"/> goes through <see cref="ShellQuoting"/>
/// for every word, so what is run and what is printed in a script are the same text.
/// </summary>
internal abstract record ShellCommand
{
    public static ShellCommand Of(params string[] argv) => new Simple(argv);

    public static ShellCommand Of(IEnumerable<string> argv) => new Simple(argv.ToArray());

    public ShellCommand AndThen(ShellCommand next) => new Sequence(this, "&&", next);

    public ShellCommand OrElse(ShellCommand next) => new Sequence(this, "||", next);

    public ShellCommand Then(ShellCommand next) => new Sequence(this, ";", next);

    /// <summary>The command as one line of POSIX shell.</summary>
    public abstract string Render();

    public sealed override string ToString() => Render();

    public sealed record Simple : ShellCommand
    {
        public Simple(IReadOnlyList<string> argv)
        {
            if (argv.Count == 0) throw new ArgumentException("a command needs at least a program name", nameof(argv));
            foreach (var word in argv) ShellQuoting.Validate(word);
            Argv = argv;
        }

        public IReadOnlyList<string> Argv { get; }

        public override string Render() => string.Join(' ', Argv.Select((word, i) => i == 0 ? ShellQuoting.QuoteProgram(word) : ShellQuoting.Quote(word)));
    }

    public sealed record Sequence(ShellCommand Left, string Operator, ShellCommand Right) : ShellCommand
    {
        public override string Render() => $"{Group(Left)} {Operator} {Group(Right)}";

        private static string Group(ShellCommand c) => c is Sequence ? $"{{ {c.Render()}; }}" : c.Render();
    }
}
