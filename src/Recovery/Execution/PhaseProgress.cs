using System.Diagnostics;
using Recovery.Planning;
using Recovery.Planning.Summary;
using Serilog;

namespace Recovery.Execution;

/// <summary>
/// Progress a tired person can follow at a console (kubeadm's <c>[phase] ...</c> style): when a phase starts, its
/// node groups and what they do; failures and deferrals the moment they happen; when it ends, its counts and time.
/// <paramref name="verbose"/> adds every step's own line.
/// </summary>
internal sealed class PhaseProgress(Plan plan, ILogger log, bool verbose) : IProgress<StepEvent>
{
    private readonly Lock gate = new();
    private readonly HashSet<PhaseKind> announced = [];
    private readonly Dictionary<StepStatus, int> counts = [];
    private readonly Stopwatch clock = new();
    private PhaseKind? current;

    public void Report(StepEvent e)
    {
        lock (gate)
        {
            if (current != e.Phase)
            {
                End();
                Begin(e.Phase);
            }
            if (e.Status is { } status) counts[status] = counts.GetValueOrDefault(status) + 1;
            if (e.Status is StepStatus.Failed)
                log.Error("[{Phase}] {Node}: {Step} failed after {Seconds:0.0} s: {Detail}", Tag(e.Phase), e.Node, e.StepId, e.Elapsed.TotalSeconds, e.Detail);
            else if (e.Status is StepStatus.Deferred)
                log.Warning("[{Phase}] {Node}: {Step} deferred: {Detail}", Tag(e.Phase), e.Node, e.StepId, e.Detail);
            else if (verbose && e.Status is null) log.Information("[{Phase}] {Node}: {What}", Tag(e.Phase), e.Node, e.What);
            else if (verbose) log.Information("[{Phase}] {Node}: {Step} {Status} ({Seconds:0.0} s)", Tag(e.Phase), e.Node, e.StepId, e.Status!.Value.ToString().ToLowerInvariant(), e.Elapsed.TotalSeconds);
        }
    }

    /// <summary>Ends the phase that is running; the run calls it once the last step reported.</summary>
    public void End()
    {
        lock (gate)
        {
            if (current is not { } phase) return;
            var tally = string.Join(", ", counts.OrderBy(c => c.Key).Select(c => $"{c.Value} {StepStatusText.Of(c.Key)}"));
            log.Information("[{Phase}] {Tally} in {Seconds:0.0} s", Tag(phase), tally.Length > 0 ? tally : "nothing to do", clock.Elapsed.TotalSeconds);
            current = null;
            counts.Clear();
        }
    }

    private void Begin(PhaseKind phase)
    {
        current = phase;
        clock.Restart();
        // A phase met again (a node that answered late catches up) is not announced twice.
        if (!announced.Add(phase)) return;
        if (plan.Phases.FirstOrDefault(p => p.Kind == phase) is not { } planned) return;
        foreach (var (nodes, gist) in PlanSummary.Groups(planned)) log.Information("[{Phase}] {Nodes}: {Gist}", Tag(phase), nodes, gist);
    }

    private static string Tag(PhaseKind phase) => phase switch
    {
        PhaseKind.FixFirst => "fix-first",
        PhaseKind.VerifyReach => "verify-reach",
        PhaseKind.FixObject => "fix-object",
        PhaseKind.UnbindAfterFix => Planning.Phases.UnbindAfterFixPhase.Id,
        _ => phase.ToString().ToLowerInvariant(),
    };

}
