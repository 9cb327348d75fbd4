using Recovery.Kubernetes;
using Recovery.Planning;

namespace Recovery.Execution;

/// <summary>What the operator must run by hand when the run cannot finish: the lines of the report's "To finish by hand".</summary>
internal static class HandOff
{
    /// <summary>The Service fix failed, so Restore did not run: fix the Service by hand, then start what was stopped.</summary>
    public static IEnumerable<string> AfterFailedFix(Plan plan, Phase fixPhase, string stateDir)
    {
        yield return "# The Service fix failed, so no kube-proxy was started again (it would bind the address again).";
        yield return "# Fix the Service by hand on a control-plane node (or rerun with --via etcd --resume):";
        foreach (var step in fixPhase.Steps)
        {
            if (step.Action is KubectlFix fix)
            {
                foreach (var line in KubectlServiceFix.ManualCommands(ServiceFixSteps.TargetOf(fix))) yield return line;
            }
            if (step.Action is EtcdFix etcdFix) yield return $"# through etcd: kube-recover recover --via etcd --resume {stateDir} (Services: {etcdFix.Service?.ToString() ?? "every one claiming the address"})";
        }
        yield return "# Then start again what was stopped:";
        foreach (var step in plan.Phases.Where(p => p.Kind == PhaseKind.Restore).SelectMany(p => p.Steps))
        {
            if (step.Action is RunCommands run)
            {
                foreach (var c in run.Commands) yield return $"{c.Render()}    # on {step.Node}";
            }
        }
    }

    /// <summary>A node that never answered: its remaining steps, in order, to run at its console.</summary>
    public static IEnumerable<string> AtConsole(string node, IEnumerable<Step> steps)
    {
        yield return $"# {node} never answered: at its console run, in this order (or `kube-recover plan --format script`):";
        foreach (var step in steps)
        {
            if (step.Action is RunCommands { Commands.Count: > 0 } run)
            {
                foreach (var c in run.Commands) yield return $"{c.Render()}    # {step.Id}";
            }
        }
    }
}
