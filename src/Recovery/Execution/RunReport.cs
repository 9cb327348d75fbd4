using System.Text;

namespace Recovery.Execution;

/// <summary>The final summary of a recover run: one line per step, then why it stopped and what is left by hand.</summary>
internal static class RunReport
{
    public static string Render(RunResult result, string stateDir)
    {
        var o = new StringBuilder();
        var width = Math.Max(4, result.Outcomes.Select(x => x.StepId.Length).DefaultIfEmpty(4).Max());
        o.Append($"{"STEP".PadRight(width)}  {"STATUS",-11} {"TIME",7}  DETAIL\n");
        foreach (var x in result.Outcomes)
        {
            o.Append($"{x.StepId.PadRight(width)}  {x.Status.ToString().ToLowerInvariant(),-11} {x.Elapsed.TotalSeconds,6:0.0}s  {OneLine(x.Detail)}\n");
        }
        var counts = result.Outcomes.GroupBy(x => x.Status).Select(g => $"{g.Count()} {g.Key.ToString().ToLowerInvariant()}");
        o.Append($"\n{string.Join(", ", counts)}. Journal, plan and backups: {stateDir}\n");
        if (result.StoppedBecause is { } why) o.Append($"Stopped: {why}\n");
        if (result.ManualCommands.Count > 0)
        {
            o.Append("\nTo finish by hand:\n");
            foreach (var line in result.ManualCommands) o.Append("  ").Append(line).Append('\n');
        }
        if (result.ExitCode == ExitCodes.StoppedPartway) o.Append($"\nWhen the cause is fixed: kube-recover recover --resume {stateDir}\n");
        return o.ToString();
    }

    private static string OneLine(string text)
    {
        var line = text.ReplaceLineEndings(" ");
        return line.Length > 140 ? line[..140] + "..." : line;
    }
}
