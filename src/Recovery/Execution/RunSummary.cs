using System.Text;

namespace Recovery.Execution;

/// <summary>The final summary the CLI prints: one line per step, the totals, why it stopped, what is left to do by hand.</summary>
public static class RunSummary
{
    public static string Render(RunResult result)
    {
        var o = new StringBuilder();
        o.Append($"{"STATUS",-11} {"ELAPSED",8}  {"NODE",-16} STEP\n");
        foreach (var s in result.Outcomes)
        {
            o.Append($"{s.Status.ToString().ToLowerInvariant(),-11} {s.Elapsed.TotalSeconds,7:0.0}s  {s.Node,-16} {s.StepId}");
            if (s.Status is StepStatus.Failed or StepStatus.Deferred) o.Append($"  ({s.Detail})");
            o.Append('\n');
        }
        o.Append('\n').AppendJoin(", ", result.Outcomes.GroupBy(s => s.Status).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key.ToString().ToLowerInvariant()}")).Append('\n');
        if (result.StoppedBecause is { } why) o.Append($"Stopped: {why}\n");
        if (result.ManualCommands.Count > 0)
        {
            o.Append("\nStill to do by hand:\n");
            foreach (var line in result.ManualCommands) o.Append($"  {line}\n");
        }
        return o.ToString();
    }
}
