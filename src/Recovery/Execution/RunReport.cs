using System.Text;
using Recovery.Planning;
using Recovery.Planning.Summary;

namespace Recovery.Execution;

/// <summary>
/// The final report of a recover run: the counts, what was changed where (grouped as the plan summary groups
/// nodes), every failure, where the state directory is, and what is left for the operator. The table of every
/// step, checks included, only with <c>detail</c> (it is always in the journal).
/// </summary>
internal static class RunReport
{
    public static string Render(RunResult result, Plan plan, string stateDir, bool detail = false)
    {
        var o = new StringBuilder();
        if (detail) o.Append(Table(result)).Append('\n');
        var counts = result.Outcomes.GroupBy(x => x.Status).OrderBy(g => g.Key).Select(g => $"{g.Count()} {StepStatusText.Of(g.Key)}");
        o.Append($"{Verdict(result)}: {string.Join(", ", counts)} of {result.Outcomes.Count} steps.\n");

        var done = result.Outcomes.Where(x => x.Status == StepStatus.Done).Select(x => x.StepId).ToHashSet(StringComparer.Ordinal);
        var changed = plan.Phases
            .Select(p => p with { Steps = p.Steps.Where(s => done.Contains(s.Id) && Changes(s)).ToList() })
            .SelectMany(p => PlanSummary.Groups(p).Select(g => (p.Kind, g.Nodes, g.Gist)))
            .ToList();
        if (changed.Count > 0)
        {
            o.Append("Changed:\n");
            var kindWidth = changed.Max(c => c.Kind.ToString().Length);
            var nodesWidth = Math.Min(24, changed.Max(c => c.Nodes.Length));
            foreach (var (kind, nodes, gist) in changed) o.Append($"  {kind.ToString().PadRight(kindWidth)}  {nodes.PadRight(nodesWidth)}  {gist}\n");
        }
        foreach (var failed in result.Outcomes.Where(x => x.Status == StepStatus.Failed))
            o.Append($"FAILED {failed.StepId} after {failed.Elapsed.TotalSeconds:0.0} s: {OneLine(failed.Detail)}\n");
        foreach (var deferred in result.Outcomes.Where(x => x.Status == StepStatus.Deferred))
            o.Append($"Left for {deferred.Node}'s console: {deferred.StepId}\n");

        o.Append($"Journal, plan and backups: {stateDir}\n");
        if (result.StoppedBecause is { } why) o.Append($"Stopped: {why}\n");
        if (result.ManualCommands.Count > 0)
        {
            o.Append("\nTo finish by hand:\n");
            foreach (var line in result.ManualCommands) o.Append("  ").Append(line).Append('\n');
        }
        if (result.ExitCode == ExitCodes.StoppedPartway) o.Append($"\nWhen the cause is fixed: kube-recover recover --resume {stateDir}\n");
        if (result.ExitCode == ExitCodes.Interrupted)
        {
            // Starting kube-proxy by hand before the Service is fixed would bind the address again: the way on is the resume.
            var stopped = result.Outcomes.Where(x => x.Phase == PhaseKind.Contain && x.Status == StepStatus.Done).Select(x => x.Node)
                .Except(result.Outcomes.Where(x => x.Phase == PhaseKind.Restore && x.Status == StepStatus.Done).Select(x => x.Node)).Distinct().ToList();
            if (stopped.Count > 0) o.Append($"\nkube-proxy stays stopped on {string.Join(", ", stopped)}: do not start it by hand before the Service is fixed.");
            o.Append($"\nContinue: kube-recover recover --resume {stateDir}\n");
        }
        return o.ToString();
    }

    /// <summary>Every step: id, status, time and detail.</summary>
    public static string Table(RunResult result)
    {
        var o = new StringBuilder();
        var width = Math.Max(4, result.Outcomes.Select(x => x.StepId.Length).DefaultIfEmpty(4).Max());
        o.Append($"{"STEP".PadRight(width)}  {"STATUS",-11} {"TIME",7}  DETAIL\n");
        foreach (var x in result.Outcomes)
            o.Append($"{x.StepId.PadRight(width)}  {x.Status.ToString().ToLowerInvariant(),-11} {x.Elapsed.TotalSeconds,6:0.0}s  {OneLine(x.Detail)}\n");
        return o.ToString();
    }

    private static string Verdict(RunResult result) => result.ExitCode switch
    {
        ExitCodes.Done => "Done",
        ExitCodes.Interrupted => "Interrupted",
        _ => "Stopped partway",
    };

    /// <summary>A step that acts (a check that held, a wait and a saved file change nothing on the cluster).</summary>
    private static bool Changes(Step step) => step.Action switch
    {
        RunCommands run => run.Commands.Count > 0,
        KubectlFix or EtcdFix => true,
        _ => false,
    };


    private static string OneLine(string text)
    {
        var line = text.ReplaceLineEndings(" ");
        return line.Length > 140 ? line[..140] + "..." : line;
    }
}
