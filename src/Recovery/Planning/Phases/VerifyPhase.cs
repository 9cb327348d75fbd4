using System.Net;
using Recovery.Access;
using Recovery.Facts;
using Recovery.Inventory;
using Recovery.Kubernetes;

namespace Recovery.Planning.Phases;

/// <summary>Phase 7: after two sync periods the addresses stay off, every node reaches the control plane, kube-proxy runs.</summary>
internal static class VerifyPhase
{
    public static IEnumerable<Step> Steps(List<Node> nodes, Dictionary<string, KubeProxyControl> controls, ClusterInventory inventory,
        RecoveryIntent intent, string localNode, Func<Node, bool> deferred, Func<Node, int, bool> serves)
    {
        var wait = intent.SyncPeriod * 2 + Planner.SyncMargin(intent.SyncPeriod);
        yield return new Step($"verify/{localNode}/wait-two-sync-periods", localNode,
            $"Wait {wait.TotalSeconds:0} s (two kube-proxy sync periods and a margin) so a kube-proxy that would bind the address again has done so",
            new Wait(wait));
        foreach (var n in nodes)
        {
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
}
