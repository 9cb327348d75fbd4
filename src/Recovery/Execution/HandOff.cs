using Recovery.Commands;
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

    /// <summary>
    /// Every change the plan makes on <paramref name="nodes"/>, for consoles this one cannot reach: phase by phase (the
    /// order across nodes is what keeps a kube-proxy from binding the address again), each node's commands in order
    /// with what each one is for, the Service fix, and what says the recovery held. A node whose kube-proxy the plan
    /// could not stop (how it runs there is unknown) gets the unbind with the stop it needs first.
    /// </summary>
    public static IEnumerable<string> ByHand(Plan plan, IReadOnlyCollection<string> nodes)
    {
        yield return $"Where kube-recover is not at hand there, these are the changes for {string.Join(", ", plan.Intent.Addresses)}; finish each phase on every node before the next phase anywhere:";
        var number = 0;
        foreach (var phase in plan.Phases.Where(p => p.Kind is PhaseKind.Contain or PhaseKind.Unbind or PhaseKind.FixObject or PhaseKind.UnbindAfterFix or PhaseKind.Restore))
        {
            var lines = new List<string>();
            foreach (var node in nodes)
            {
                var commands = phase.Steps.Where(s => s.Node == node && s.Action is RunCommands { Commands.Count: > 0 })
                    .SelectMany(s => ((RunCommands)s.Action).Commands.Select(c => $"      {c.Render()}    # {s.What}")).ToList();
                var stoppedByPlan = plan.Phases.Any(p => p.Kind == PhaseKind.Contain && p.Steps.Any(s => s.Node == node))
                    // kube-proxy inside an API server: never stopped, not even by hand (guarantee 9); unbound after the fix.
                    || plan.Phases.Any(p => p.Kind == PhaseKind.UnbindAfterFix && p.Steps.Any(s => s.Node == node));
                if (phase.Kind == PhaseKind.Contain && !stoppedByPlan)
                {
                    commands.Add("      # stop kube-proxy however it runs there (systemd unit, kubelet static pod, DaemonSet container): the plan could not tell how");
                    commands.AddRange(plan.Intent.Addresses.Select(a => $"      {new IpvsAddressDel(a).Render()}    # after that stop, where kube-ipvs0 holds it"));
                }
                if (phase.Kind == PhaseKind.Restore && !stoppedByPlan) commands.Add("      # start kube-proxy again the way it was stopped");
                if (commands.Count == 0) continue;
                lines.Add($"    at {node}'s console:");
                lines.AddRange(commands);
            }
            foreach (var step in phase.Steps)
            {
                if (step.Action is KubectlFix fix)
                {
                    lines.Add("    at a control-plane node's console, once its API answers:");
                    lines.AddRange(KubectlServiceFix.ManualCommands(ServiceFixSteps.TargetOf(fix)).Select(l => "      " + l));
                }
                if (step.Action is EtcdFix etcd)
                {
                    lines.Add($"    at a control-plane node's console: kube-recover recover --via etcd (Services: {etcd.Service?.ToString() ?? "every one claiming " + string.Join(", ", etcd.Addresses)})");
                }
            }
            if (lines.Count == 0) continue;
            yield return $"  {++number}. {phase.Title}";
            foreach (var line in lines) yield return line;
        }
        // By hand there is no gauge to read: the blind wait, as the plan's fallback counts it.
        var wait = plan.Intent.SyncPeriod * 2 + Planner.SyncMargin(plan.Intent.SyncPeriod);
        yield return $"  {++number}. After {wait.TotalSeconds:0} s (two kube-proxy sync periods and a margin), on every node: `{new IpvsAddressShow(plan.Intent.Addresses[0]).Render()}`" +
                     $" prints nothing{(plan.Intent.Addresses.Count > 1 ? " (and the same for " + string.Join(", ", plan.Intent.Addresses.Skip(1)) + ")" : "")}.";
    }
}
