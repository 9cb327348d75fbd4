using System.Text;
using System.Text.RegularExpressions;
using Recovery.Access;

namespace Recovery.LabTests.Runbook;

/// <summary>What one runbook line printed (stdout and stderr together, as on a terminal) and its exit code.</summary>
public sealed record LineResult(string Command, int ExitCode, string Output)
{
    public bool Succeeded => ExitCode == 0;

    public override string ToString() => $"$ {Command}\n{Output}\n(exit {ExitCode})";
}

/// <summary>
/// Types a block's lines at a node's console (`lab.sh console`), as they stand, in one bash session for the whole block
/// so that `export` and `E=...` carry to the lines after them, like an operator's shell. Each line's output and exit
/// code are kept apart; a failing line does not stop the next one (an operator reads the output and goes on).
/// </summary>
public static partial class NodeConsole
{
    private const string Marker = "@@runbook-line-exit=";

    public static async Task<IReadOnlyList<LineResult>> TypeAsync(LabFixture lab, string node, RunbookBlock block, string workDir)
    {
        var lines = block.Lines.Where(l => RunbookText.WithoutComment(l).Length > 0).ToList();
        var script = new StringBuilder($"cd {ShellQuoting.Quote(workDir)} || exit 97\n");
        foreach (var line in lines)
        {
            // The line on a line of its own, so that its own comment ends where it ends.
            script.Append("{ ").Append(line).Append("\n} 2>&1; printf '\\n").Append(Marker).Append("%d@@\\n' $?\n");
        }
        var result = await lab.BashAsync(node, script.ToString());
        var parts = LineEnd().Split(result.StdOut);
        if (parts.Length != 2 * lines.Count + 1)
        {
            throw new InvalidOperationException(
                $"the block at line {block.Line} did not run to its end on {node} (exit {result.ExitCode}):\n{result.StdOut}\n{result.StdErr}");
        }
        return lines.Select((line, i) => new LineResult(RunbookText.WithoutComment(line), int.Parse(parts[2 * i + 1]), parts[2 * i])).ToList();
    }

    [GeneratedRegex(@"\n@@runbook-line-exit=(\d+)@@\n")]
    private static partial Regex LineEnd();
}
