using System.Net;
using Recovery.Access;
using Recovery.Commands;
using Recovery.Facts;
using Recovery.Inventory;
using Recovery.Kubernetes;

namespace Recovery.Planning.Phases;

/// <summary>
/// Phase 7: once every kube-proxy started again has synced, the addresses stay off, every node reaches the control
/// plane, kube-proxy runs. A kube-proxy that runs as a process of its own says when it has synced (its last-sync gauge,
/// <see cref="KubeProxySynced"/>): on each such node the checks follow its own sync, seconds after the start, not
/// two blind sync periods (70 s with the default 30 s period). Where some kube-proxy gives no such signal (inside k3s,
/// an inventory's custom commands) or none was started, the blind wait stays, on the local node before every check.
/// </summary>
internal static class VerifyPhase
{
    /// <param name="claimsReader">where kubectl reads the claims again (<see cref="ClaimsStep"/>); null: kubectl on the local node, which may have none (then the check fails, saying so).</param>
    /// <param name="owned">a claim's owner was named (<see cref="ClaimOwnerWarnings.Owned"/>): the claims check waits <see cref="OwnerSettle"/> first.</param>
    public static IEnumerable<Step> Steps(List<Node> nodes, Dictionary<string, KubeProxyControl> controls, ClusterInventory inventory,
        RecoveryIntent intent, string localNode, Func<Node, bool> deferred, Func<Node, int, bool> serves, KubectlCandidate? claimsReader = null, bool owned = false)
    {
        var reader = claimsReader ?? new KubectlCandidate(localNode, null);
        var wait = intent.SyncPeriod * 2 + Planner.SyncMargin(intent.SyncPeriod);
        if (controls.Count == 0 || controls.Values.Any(c => !c.SignalsSync))
        {
            yield return new Step($"verify/{localNode}/wait-two-sync-periods", localNode,
                $"Wait {wait.TotalSeconds:0} s (two kube-proxy sync periods and a margin) so a kube-proxy that would bind the address again has done so",
                new Wait(wait));
        }
        foreach (var n in nodes)
        {
            if (controls.TryGetValue(n.Name, out var signalling) && signalling.SignalsSync)
            {
                yield return new Step($"verify/{n.Name}/kube-proxy-synced", n.Name,
                    $"kube-proxy has synced since it started again ({KubeProxySynced.Gauge}), or has run {wait.TotalSeconds:0} s where that cannot be read",
                    new RunCommands([]), Verify: Verification.Within(Probes.ProxySynced(wait), wait + TimeSpan.FromSeconds(30)), Deferred: deferred(n));
            }
            // First on its node: a later check that fails there (the address bound again) would block it, and it names the cause.
            if (n.Name == reader.Node && intent.Addresses.Count > 0) yield return ClaimsStep(reader, intent.Addresses, deferred(n), owned ? OwnerSettle : TimeSpan.Zero);
            foreach (var a in intent.Addresses)
            {
                yield return new Step($"verify/{n.Name}/unbound-{a}", n.Name, $"{a} is not on {NodeFacts.IpvsInterface}",
                    new RunCommands([]), Verify: Verification.Within(Probes.NotOnIpvsInterface(a), TimeSpan.FromSeconds(5)), Deferred: deferred(n));
            }
            foreach (var step in VerifyReachPhase.Steps("verify", n, inventory, intent, deferred(n), serves))
            {
                yield return step;
            }
            if (controls.TryGetValue(n.Name, out var control))
            {
                yield return new Step($"verify/{n.Name}/kube-proxy-running", n.Name, "kube-proxy runs again",
                    new RunCommands([]), Verify: Verification.Within(control.Running(), TimeSpan.FromSeconds(60)), Deferred: deferred(n));
            }
        }
    }

    /// <summary>
    /// The claims read again after the fix and the restarts: a controller (GitOps, Helm, an ownerReference, MetalLB,
    /// k3s ServiceLB) puts a deleted or stripped claim back within seconds, and then the lockout returns at the next sync.
    /// Holds only when the claims were read and none is left (<see cref="Kubernetes.ServiceClaimRule"/>); its failure
    /// names the claim and its owner (<see cref="Execution.ServiceFixSteps.CheckClaimsAsync"/>).
    /// </summary>
    public static Step ClaimsStep(KubectlCandidate reader, IReadOnlyList<IPAddress> addresses, bool deferred, TimeSpan settle) =>
        new($"verify/{reader.Node}/no-service-claims", reader.Node,
            $"No Service claims {string.Join(", ", addresses)} again (a controller may have put the claim back): read through kubectl on {reader.Node}",
            new ClaimsCheck(new ServiceList(reader.Kubeconfig, reader.Program), addresses, settle, ClaimsBudget), Deferred: deferred);

    /// <summary>
    /// Where the metadata names who puts the claim back, the time it gets to do so before the claims are read: the
    /// controllers named act within seconds of their API answering again (MetalLB on the Service event, Argo CD's
    /// self-heal after 5 s), and the owner's own API server answers only once its node is reachable again, which is
    /// just before this check. A controller slower than this (Flux's interval) is not caught: the plan's warning says
    /// to pause it.
    /// </summary>
    public static readonly TimeSpan OwnerSettle = TimeSpan.FromSeconds(10);

    /// <summary>Room for an API that answers slowly right after the recovery; a claim that is back stays back through it.</summary>
    private static readonly TimeSpan ClaimsBudget = TimeSpan.FromSeconds(15);
}
