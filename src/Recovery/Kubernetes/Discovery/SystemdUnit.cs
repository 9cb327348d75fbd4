using System.Text;

namespace Recovery.Kubernetes.Discovery;

/// <summary>
/// kube-apiserver as a systemd service (binary installs such as kubeasz): the ExecStart= line of [Service], with
/// systemd's rules: a trailing backslash continues the line, comment lines inside a continuation are skipped,
/// words split on whitespace with "double" and 'single' quotes and backslash escapes; the last ExecStart wins.
/// </summary>
internal static class SystemdUnit
{
    public static EtcdSettings Read(string unit, string source)
    {
        string? execStart = null;
        var section = "";
        var lines = unit.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line[0] is '#' or ';') continue;
            var logical = new StringBuilder();
            while (line.EndsWith('\\'))
            {
                logical.Append(line[..^1]).Append(' ');
                // A comment block after a continued line is skipped; the line goes on after it.
                do
                {
                    i++;
                    line = i < lines.Length ? lines[i].Trim() : "";
                }
                while (i < lines.Length && line.Length > 0 && line[0] is '#' or ';');
            }

            logical.Append(line);
            var text = logical.ToString().Trim();
            if (text.StartsWith('[') && text.EndsWith(']'))
            {
                section = text;
                continue;
            }

            var equals = text.IndexOf('=');
            if (section == "[Service]" && equals > 0 && text[..equals].Trim() == "ExecStart")
            {
                var value = text[(equals + 1)..].Trim();
                execStart = value.Length == 0 ? null : value; // an empty ExecStart= resets the list
            }
        }

        if (execStart is null) throw new DiscoveryException($"{source}: no ExecStart= in [Service] (expected kube-apiserver's systemd unit)");
        return ApiServerFlags.FromArguments(Words(execStart.TrimStart('-', '@', ':', '+', '!'), source), source);
    }

    /// <summary>Splits a command line as systemd does (quotes and backslash escapes; no variable expansion).</summary>
    internal static List<string> Words(string text, string source)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        char quote = '\0';
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quote != '\0')
            {
                if (c == quote) quote = '\0';
                else if (c == '\\' && quote == '"' && i + 1 < text.Length) word.Append(text[++i]);
                else word.Append(c);
                continue;
            }

            switch (c)
            {
                case ' ' or '\t':
                    if (inWord) words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                    break;
                case '"' or '\'':
                    quote = c;
                    inWord = true;
                    break;
                case '\\' when i + 1 < text.Length:
                    word.Append(text[++i]);
                    inWord = true;
                    break;
                default:
                    word.Append(c);
                    inWord = true;
                    break;
            }
        }

        if (quote != '\0') throw new DiscoveryException($"{source}: ExecStart has an unterminated {quote} quote");
        if (inWord) words.Add(word.ToString());
        return words;
    }
}
