using Recovery.Commands;
using Recovery.Facts;
using Recovery.Inventory;

namespace Recovery.Planning.Phases;

/// <summary>
/// After the Service fix, on nodes whose kube-proxy runs inside an API server (<see cref="KubeProxyControl.InsideApiServer"/>:
/// k3s servers), which the tool never stops: let that kube-proxy remove the addresses by itself, then remove what it left.
/// Safe only once the claim is gone (a running kube-proxy binds a claimed address again on its next sync), so this phase
/// runs after FixObject, which stops the run when the fix fails. k3s serves its embedded kube-proxy's metrics on
/// 127.0.0.1:10249 (k3s-io/k3s pkg/daemons/agent/agent_linux.go sets no metrics-bind-address), but from the k3s process,
/// which did not start again: its last-sync gauge cannot be compared with a start, so the wait is the blind two sync
/// periods, skipped once the address is off kube-ipvs0 (kube-proxy removed it: the signal that matters).
/// </summary>
internal static class UnbindAfterFixPhase
{
    public const string Id = "unbind-after-fix";

    public static IEnumerable<Step> Steps(Node n, NodeFacts? f, KubeProxyControl kept, bool holds, ClusterInventory inventory, RecoveryIntent intent, List<string> notes)
    {
        var wait = intent.SyncPeriod * 2 + Planner.SyncMargin(intent.SyncPeriod);
        var deferred = f is null;
        foreach (var a in intent.Addresses.Where(a => holds && f!.IpvsAddresses.Contains(a) || deferred || !n.Address.Equals(a)))
        {
            yield return new Step($"{Id}/{n.Name}/self-unbind-{a}", n.Name,
                $"Give kube-proxy inside {kept.Unit} {wait.TotalSeconds:0} s (two sync periods and a margin) to remove {a} by itself, now that no Service claims it",
                new Wait(wait), Check: Probes.NotOnIpvsInterface(a), Deferred: deferred);
        }
        foreach (var step in UnbindPhase.Steps(n, f, holds, inventory, intent, notes, Id)) yield return step;
    }

    /// <summary>What the plan says about such a node: why it is not stopped, and what to do at its console when its API could not be asked first.</summary>
    public static string Explain(Node n, KubeProxyControl kept, string? noFixFirst, RecoveryIntent intent)
    {
        var why = $"kube-proxy on {n.Name} runs inside {kept.Unit} with an API server: the tool never stops it (its addresses are removed after the Service fix, " +
                  "once that kube-proxy had two sync periods to remove them itself)";
        if (noFixFirst is null) return why + $"; the Service is fixed first through {n.Name}'s own API.";
        return why + $". The Service cannot be fixed first through {n.Name}'s own API ({noFixFirst}): until it is fixed, its kube-proxy keeps the addresses. " +
               $"Do not stop {kept.Unit} at its console; once the Service is fixed (`k3s kubectl get services -A` there no longer shows {string.Join(", ", intent.Addresses)}) " +
               "and two sync periods have passed, run there: " + string.Join("; ", intent.Addresses.Select(a => new IpvsAddressDel(a).ToString()));
    }
}
