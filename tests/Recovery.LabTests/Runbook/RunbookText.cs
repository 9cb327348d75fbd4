using System.Text.RegularExpressions;

namespace Recovery.LabTests.Runbook;

/// <summary>
/// A runbook as an operator reads it: the code blocks of a Markdown file (indented four or more spaces after a blank
/// line, as CommonMark has them, also inside list items; or fenced with ```), each under the heading it stands below.
/// Inline code in prose (`kubectl get nodes`) is read per section too. The tests run these lines, not a copy of them.
/// </summary>
public sealed partial class RunbookText(string path, string text, IReadOnlyList<RunbookBlock> blocks, IReadOnlyList<(string Section, string Code)> inline)
{
    public const string English = "ipvs-externalip-lockout.md";
    public const string Chinese = "ipvs-externalip-lockout.zh-CN.md";

    public string Path { get; } = path;
    public string Text { get; } = text;
    public IReadOnlyList<RunbookBlock> Blocks { get; } = blocks;

    /// <summary>Every command line of every block, comments removed, in the document's order.</summary>
    public IReadOnlyList<string> Commands => Blocks.SelectMany(b => b.Commands).ToList();

    public static RunbookText Load(string fileName)
    {
        // tests/lab is found from the test binary; the runbooks are two folders up from it.
        var path = System.IO.Path.GetFullPath(System.IO.Path.Combine(LabScript.LabFolder, "..", "..", "runbooks", fileName));
        return Parse(path, File.ReadAllText(path));
    }

    public static RunbookText Parse(string path, string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var blocks = new List<RunbookBlock>();
        var inline = new List<(string, string)>();
        var section = "";
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                var fence = line.Length - line.TrimStart().Length;
                var end = Array.FindIndex(lines, i + 1, l => l.TrimStart().StartsWith("```", StringComparison.Ordinal));
                end = end < 0 ? lines.Length : end;
                blocks.Add(new RunbookBlock(section, i + 2, Dedent(lines[(i + 1)..end], fence)));
                i = end;
                continue;
            }
            if (Indent(line) >= 4 && line.Trim().Length > 0 && i > 0 && lines[i - 1].Trim().Length == 0)
            {
                var indent = Indent(line);
                var end = i;
                while (end < lines.Length && (lines[end].Trim().Length == 0 || Indent(lines[end]) >= indent))
                {
                    end++;
                }
                while (lines[end - 1].Trim().Length == 0)
                {
                    end--;
                }
                blocks.Add(new RunbookBlock(section, i + 1, Dedent(lines[i..end], indent)));
                i = end - 1;
                continue;
            }
            if (line.StartsWith('#'))
            {
                section = line.TrimStart('#').Trim();
                continue;
            }
            inline.AddRange(InlineCode().Matches(line).Select(m => (section, m.Groups["code"].Value)));
        }
        return new RunbookText(path, text, blocks, inline);
    }

    /// <summary>The one block under the heading that starts with <paramref name="section"/> whose first command starts with <paramref name="firstCommand"/>.</summary>
    public RunbookBlock Block(string section, string firstCommand)
    {
        var found = Blocks.Where(b => b.Section.StartsWith(section, StringComparison.Ordinal)
            && b.Commands.FirstOrDefault()?.StartsWith(firstCommand, StringComparison.Ordinal) == true).ToList();
        return found.Count == 1
            ? found[0]
            : throw new InvalidOperationException(
                $"{Path}: expected one code block under '{section}...' starting with '{firstCommand}', found {found.Count}; blocks there:\n" +
                string.Join("\n---\n", Blocks.Where(b => b.Section.StartsWith(section, StringComparison.Ordinal)).Select(b => string.Join('\n', b.Lines))));
    }

    /// <summary>The one inline code span in prose under <paramref name="section"/> that starts with <paramref name="start"/>.</summary>
    public string Inline(string section, string start)
    {
        var found = inline.Where(c => c.Section.StartsWith(section, StringComparison.Ordinal) && c.Code.StartsWith(start, StringComparison.Ordinal)).ToList();
        return found.Count == 1
            ? found[0].Code
            : throw new InvalidOperationException($"{Path}: expected one `{start}...` in the prose under '{section}...', found {found.Count}");
    }

    /// <summary>The example values the runbook names and tells the operator to replace (English wording).</summary>
    public RunbookPlaceholders Placeholders()
    {
        var match = PlaceholderSentence().Match(Text);
        return match.Success
            ? new RunbookPlaceholders(System.Net.IPAddress.Parse(match.Groups["address"].Value), match.Groups["ns"].Value, match.Groups["name"].Value)
            : throw new InvalidOperationException($"{Path}: the sentence naming the example address and Service (\"Below, `ADDRESS` is the hijacked address ... `NS/NAME` the Service claiming it\") is gone");
    }

    /// <summary>The line without its shell comment: a '#' at the start or after white space, outside quotes.</summary>
    public static string WithoutComment(string line)
    {
        char quote = '\0';
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quote != '\0')
            {
                quote = c == quote ? '\0' : quote;
            }
            else if (c is '\'' or '"')
            {
                quote = c;
            }
            else if (c == '#' && (i == 0 || char.IsWhiteSpace(line[i - 1])))
            {
                return line[..i].TrimEnd();
            }
        }
        return line.TrimEnd();
    }

    /// <summary>The comment of a line ("" when none).</summary>
    public static string Comment(string line)
    {
        var command = WithoutComment(line);
        return line.Length > command.Length ? line[command.Length..].Trim().TrimStart('#').Trim() : "";
    }

    private static int Indent(string line) => line.Length - line.TrimStart(' ').Length;

    private static IReadOnlyList<string> Dedent(IEnumerable<string> lines, int indent) =>
        lines.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart()).ToList();

    [GeneratedRegex(@"(?<!`)`(?<code>[^`]+)`(?!`)")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"Below, `(?<address>[0-9.]+)` is the hijacked address.*?`(?<ns>[a-z0-9-]+)/(?<name>[a-z0-9-]+)` the Service claiming it", RegexOptions.Singleline)]
    private static partial Regex PlaceholderSentence();
}
