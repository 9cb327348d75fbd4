using System.Text;

namespace Recovery.Planning.Summary;

/// <summary>
/// The plan on one screen at any size (issue 13): per phase, the nodes grouped by what they do there
/// ("node2-node30  stop kube-proxy.service"), the Service fix, the waits, what is backed up. The step by step
/// detail is <see cref="TextPlanRenderer"/>'s.
/// </summary>
internal static class PlanSummary
{
    /// <summary>Notes past this many are counted, not printed (warnings always are).</summary>
    private const int MostNotes = 3;

    public static string Render(Plan plan)
    {
        var o = new StringBuilder();
        var nodes = plan.Steps.Select(s => s.Node).Distinct(StringComparer.Ordinal).Count();
        o.Append(plan.Intent.Addresses.Count == 0 ? $"Plan from {plan.LocalNode}: " : $"Plan for {string.Join(", ", plan.Intent.Addresses)} from {plan.LocalNode}: ");
        o.Append($"{nodes} nodes, {plan.Steps.Count()} steps; ");
        o.Append($"Service fix: {plan.Intent.Action.ToString().ToLowerInvariant()} via {plan.Intent.Path.ToString().ToLowerInvariant()}");
        if (plan.Intent.Services is { Count: > 0 } services) o.Append($" ({string.Join(", ", services)})");
        o.Append($"; kube-proxy sync period {plan.Intent.SyncPeriod.TotalSeconds:0} s\n");
        foreach (var w in plan.Warnings) o.Append($"WARNING: {w}\n");
        foreach (var n in plan.Notes.Take(MostNotes)) o.Append($"Note: {n}\n");
        if (plan.Notes.Count > MostNotes) o.Append($"... and {plan.Notes.Count - MostNotes} more notes (--detail)\n");
        if (plan.IsEmpty)
        {
            o.Append("Nothing to do.\n");
            return o.ToString();
        }

        var rows = plan.Phases.Where(p => p.Steps.Count > 0)
            .SelectMany(p => Groups(p).Select((g, i) => (Kind: i == 0 ? p.Kind.ToString() : "", g.Nodes, Gist: i == 0 && p.FirstNode is { } first ? $"{g.Gist} ({first} first)" : g.Gist)))
            .ToList();
        var kindWidth = rows.Max(r => r.Kind.Length);
        var nodesWidth = Math.Min(24, rows.Max(r => r.Nodes.Length));
        foreach (var (kind, group, gist) in rows) o.Append($"  {kind.PadRight(kindWidth)}  {group.PadRight(nodesWidth)}  {gist}\n");

        if (plan.Steps.Any(s => s.Action is SaveOutput) || plan.Steps.Any(s => s.Action is KubectlFix or EtcdFix))
            o.Append("Backed up into the state directory before anything changes: each node's addresses and local routes, and each Service before its fix.\n");
        o.Append("Step by step: --detail (always in plan -o FILE and plan --format json).\n");
        return o.ToString();
    }

    /// <summary>The phase's nodes grouped by the same gist, in the order the phase lists them.</summary>
    public static IEnumerable<(string Nodes, string Gist)> Groups(Phase phase) =>
        phase.Steps.GroupBy(s => s.Node, StringComparer.Ordinal)
            .Select(steps => (Node: steps.Key, Gist: Line(steps.SelectMany(StepGist.Of))))
            .Where(n => n.Gist.Length > 0)
            .GroupBy(n => n.Gist, StringComparer.Ordinal)
            .Select(g => (NodeList.Compact(g.Select(n => n.Node)), g.Key));

    /// <summary>True when every change and check of <paramref name="next"/> was in <paramref name="shown"/>, on the same node and phase.</summary>
    public static bool Covers(Plan shown, Plan next)
    {
        var before = Facets(shown).ToHashSet();
        return Facets(next).All(before.Contains);
    }

    private static IEnumerable<(PhaseKind, string, StepGist)> Facets(Plan plan) =>
        plan.Phases.SelectMany(p => p.Steps.SelectMany(s => StepGist.Of(s).Select(g => (Same(p.Kind), s.Node, g))));

    /// <summary>A fix made first is the same change as the fix in its usual place.</summary>
    private static PhaseKind Same(PhaseKind kind) => kind == PhaseKind.FixFirst ? PhaseKind.FixObject : kind;

    private static string Line(IEnumerable<StepGist> gists) => string.Join("; ",
        gists.GroupBy(g => g.Head, StringComparer.Ordinal).Select(h => $"{h.Key} {string.Join(", ", h.Select(g => g.Item).Distinct(StringComparer.Ordinal))}"));
}
