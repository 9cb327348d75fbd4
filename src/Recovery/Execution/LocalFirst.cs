using Recovery.Diagnosis;
using Recovery.Facts;
using Recovery.Planning;

namespace Recovery.Execution;

/// <summary>
/// "The node it runs on is fixed first, then the nodes it could not reach before become reachable." When some
/// nodes did not answer and this node holds hijacked addresses on its own kube-ipvs0, its traffic to those nodes
/// stays on itself: nothing about them can be known, so nothing about them can be planned well. Stage 1 runs only
/// this node's Preflight, Contain and Unbind steps (kube-proxy stopped here before the address goes, guarantee 3; on a
/// k3s server, whose kube-proxy is never stopped, its fix-first through its own API instead);
/// then the cluster is surveyed again and the whole recovery is planned from real facts of every node.
/// </summary>
internal static class LocalFirst
{
    /// <summary>Sub-folder of the state directory holding stage 1's plan and journal.</summary>
    public const string StateSubdirectory = "local-first";

    private static readonly PhaseKind[] StagePhases = [PhaseKind.Preflight, PhaseKind.Contain, PhaseKind.Unbind];

    /// <summary>Some node did not answer, and an address is hijacked on this node itself.</summary>
    public static bool Needed(Survey survey, Plan plan) =>
        survey.Local.Node is { } local
        && survey.Facts.Any(f => !f.Succeeded)
        && survey.Diagnose().Hijacked.Any(h => h.HijackedOn.Contains(local.Name))
        && Restrict(plan, local.Name).Steps.Any();

    /// <summary>The plan's steps on <paramref name="localNode"/> in the phases that make the other nodes reachable.</summary>
    public static Plan Restrict(Plan plan, string localNode) => plan with
    {
        Scope = PlanScope.LocalFirst,
        Phases = plan.Phases
            .Where(p => StagePhases.Contains(p.Kind) || p.Kind == PhaseKind.FixFirst && KeepsKubeProxy(plan, localNode))
            .Select(p => p with { Steps = p.Steps.Where(s => s.Node == localNode).ToList() })
            .ToList(),
        Notes = [$"Stage 1 of 2: fix {localNode} (this node) first, so the nodes it could not reach answer; the whole recovery is planned again after it."],
    };

    /// <summary>
    /// This node's kube-proxy runs inside its API server (k3s server) and is never stopped: what frees this node is the
    /// Service fix through its own API (its fix-first step), after which that kube-proxy unbinds by itself.
    /// </summary>
    private static bool KeepsKubeProxy(Plan plan, string localNode) =>
        plan.Phases.Any(p => p.Kind == PhaseKind.UnbindAfterFix && p.Steps.Any(s => s.Node == localNode));
}
