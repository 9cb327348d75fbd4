using System.Text;

namespace Recovery.Planning;

/// <summary>The plan as a human reads it before saying yes: phases, numbered steps per node, the exact commands.</summary>
internal static class TextPlanRenderer
{
    public static string Render(Plan plan)
    {
        var o = new StringBuilder();
        o.Append($"Plan ({plan.ApiVersion}) created {plan.Created:yyyy-MM-dd HH:mm:ss}Z on {plan.LocalNode}\n");
        o.Append($"Addresses: {string.Join(", ", plan.Intent.Addresses)}; Service fix: {plan.Intent.Action.ToString().ToLowerInvariant()} via {plan.Intent.Path.ToString().ToLowerInvariant()}");
        if (plan.Intent.Services is { Count: > 0 } services) o.Append($" ({string.Join(", ", services)})");
        o.Append($"; kube-proxy sync period {plan.Intent.SyncPeriod.TotalSeconds:0} s\n");
        o.Append($"Facts fingerprint: {plan.FactsFingerprint}\n");
        foreach (var w in plan.Warnings) o.Append($"WARNING: {w}\n");
        foreach (var n in plan.Notes) o.Append($"Note: {n}\n");
        if (plan.IsEmpty)
        {
            o.Append("Nothing to do.\n");
            return o.ToString();
        }
        var number = 0;
        var phaseNumber = 0;
        foreach (var phase in plan.Phases)
        {
            phaseNumber++;
            o.Append($"\nPhase {phaseNumber}/{plan.Phases.Count} {phase.Kind}: {phase.Title}");
            if (phase.FirstNode is not null) o.Append($" ({phase.FirstNode} first, then the others in parallel)");
            o.Append('\n');
            if (phase.Steps.Count == 0) o.Append("  (no steps)\n");
            foreach (var step in phase.Steps)
            {
                number++;
                o.Append($"  {number,3}. [{step.Node}] {step.Id}{(step.Deferred ? "  (deferred: node unreachable)" : "")}\n");
                o.Append($"       {step.What}\n");
                if (step.Guard is { } guard) o.Append($"       only if: {ProbeScript.Condition(guard)}\n");
                if (step.Check is { } check) o.Append($"       skip if: {ProbeScript.Condition(check)}\n");
                foreach (var line in ActLines(step.Action)) o.Append($"       run:     {line}\n");
                if (step.Verify is { } v) o.Append($"       verify:  {ProbeScript.Condition(v.Probe)}  ({(v.Settle > TimeSpan.Zero ? $"after {v.Settle.TotalSeconds:0} s, " : "")}within {v.Budget.TotalSeconds:0} s)\n");
                if (step.Undo is { } undo) o.Append($"       undo:    {undo.Render()}\n");
            }
        }
        return o.ToString();
    }

    private static IEnumerable<string> ActLines(StepAction action) => action switch
    {
        RunCommands run => run.Commands.Select(c => c.Render()),
        Wait wait => [$"sleep {wait.Duration.TotalSeconds:0}"],
        SaveOutput save => [$"{save.Command.Render()} > STATE_DIR/{save.File}"],
        KubectlFix fix => [
            $"kubectl on the first that answers of: {string.Join(", ", fix.Candidates.Select(c => c.Node))}{(fix.EtcdFallback ? " (else through etcd)" : "")}",
            $"save `kubectl get service -n NS NAME -o yaml` as STATE_DIR/service.NS.NAME.yaml for {(fix.Service?.ToString() ?? "each Service claiming the addresses")}",
            fix.Action == Kubernetes.FixAction.Delete
                ? "kubectl delete service -n NS NAME"
                : "kubectl patch service -n NS NAME --type=json -p '[{\"op\":\"test\",...current externalIPs},{\"op\":\"replace\" (or \"remove\"),\"path\":\"/spec/externalIPs\",...}]'",
        ],
        ClaimsCheck check => [
            $"{(check.Settle > TimeSpan.Zero ? $"after {check.Settle.TotalSeconds:0} s, " : "")}read `{check.List.Render()}` until no Service claims {string.Join(", ", check.Addresses)} (within {check.Budget.TotalSeconds:0} s)",
            "where no API answers there: read the Services in etcd (when the run has etcd access)",
        ],
        EtcdFix fix => [$"etcd: back up, then {fix.Action.ToString().ToLowerInvariant()} {(fix.Service?.ToString() ?? "each Service claiming the addresses")} in one transaction guarded by mod revisions"],
        _ => [],
    };
}
