namespace Lab.StandIns;

/// <summary>
/// Go-style command-line flags as the real components take them: `--name=value`, `--name value`, a bare
/// `--name` meaning true; single-dash spellings too. Flags a component does not know are ignored.
/// </summary>
internal sealed class Flags
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public Flags(IEnumerable<string> args)
    {
        var list = args.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            var arg = list[i];
            if (!arg.StartsWith('-') || arg is "-" or "--")
                continue;
            var body = arg.TrimStart('-');
            var eq = body.IndexOf('=');
            if (eq >= 0)
                _values[body[..eq]] = body[(eq + 1)..];
            else if (i + 1 < list.Count && !list[i + 1].StartsWith('-'))
                _values[body] = list[++i];
            else
                _values[body] = "true";
        }
    }

    public string? Get(string name) => _values.GetValueOrDefault(name);

    public string Get(string name, string fallback) => _values.GetValueOrDefault(name) ?? fallback;
}
