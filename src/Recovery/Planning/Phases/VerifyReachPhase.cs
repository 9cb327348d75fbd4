using System.Net;
using Recovery.Access;
using Recovery.Facts;
using Recovery.Inventory;
using Recovery.Kubernetes;

namespace Recovery.Planning.Phases;

/// <summary>Phase 4 (and part of 7): every node reaches every control-plane node that serves.</summary>
internal static class VerifyReachPhase
{
    /// <summary>
    /// Whether a node's API server (6443) or etcd (2379) is known to serve: it answered on its own node, where no
    /// hijack can interfere. When it did not (stopped, crashed, its manifest moved aside), checking that every node
    /// reaches it would fail for a reason this recovery does not fix; the plan says so instead. Unknown: assumed to serve.
    /// </summary>
    public static Func<Node, int, bool> Serving(Dictionary<string, NodeFacts> byName, List<string> notes)
    {
        var silent = new List<string>();
        foreach (var (name, f) in byName)
        {
            foreach (var port in new[] { 6443, 2379 })
            {
                var self = f.Reach.FirstOrDefault(r => r.TargetNode == name && r.Port == port);
                if (self is { Reachable: false, Unknown: false }) silent.Add($"{name}:{port} ({(port == 6443 ? "kube-apiserver" : "etcd")})");
            }
        }
        if (silent.Count > 0)
        {
            notes.Add($"Not answering even on their own node, so not checked from the others: {string.Join(", ", silent)}. Start them once the recovery is done.");
        }
        return (target, port) => !byName.TryGetValue(target.Name, out var f)
            || f.Reach.FirstOrDefault(r => r.TargetNode == target.Name && r.Port == port) is not { Reachable: false, Unknown: false };
    }

    /// <summary>Route and port checks from one node to the control plane. Used by VerifyReach and Verify.</summary>
    public static IEnumerable<Step> Steps(string phase, Node n, ClusterInventory inventory, RecoveryIntent intent, bool deferred, Func<Node, int, bool> serves)
    {
        var budget = TimeSpan.FromSeconds(30);
        // Every node address that was hijacked, and every control-plane node, must be routed off this node.
        var targets = inventory.Nodes.Where(t => t.Name != n.Name && (t.IsControlPlane || intent.Addresses.Contains(t.Address)));
        foreach (var t in targets)
        {
            yield return new Step($"{phase}/{n.Name}/route-{t.Name}", n.Name, $"`ip route get {t.Address}` leaves the node (not local)",
                new RunCommands([]), Verify: Verification.Within(Probes.RouteNotLocal(t.Address), budget), Deferred: deferred);
            if (t.IsControlPlane && serves(t, 6443))
            {
                yield return new Step($"{phase}/{n.Name}/api-{t.Name}", n.Name, $"{t.Name}'s API server answers on {t.Address}:6443",
                    new RunCommands([]), Verify: Verification.Within(Probes.TcpAnswers(t.Address, 6443), budget), Deferred: deferred);
            }
            if (t.IsEtcd && serves(t, 2379))
            {
                yield return new Step($"{phase}/{n.Name}/etcd-{t.Name}", n.Name, $"{t.Name}'s etcd answers on {t.Address}:2379",
                    new RunCommands([]), Verify: Verification.Within(Probes.TcpAnswers(t.Address, 2379), budget), Deferred: deferred);
            }
        }
    }
}
