using Recovery.Inventory;
using Recovery.Planning;
using static Recovery.Tests.Planning.Cluster;

namespace Recovery.Tests.Drills;

/// <summary>
/// Found by the node-down lab drill: a node that did not answer at preflight still holds the hijacked address, so no
/// other node can reach it (its replies stay on itself). VerifyReach checked it anyway and stopped the recovery of
/// every reachable node there. VerifyReach now checks only nodes that answered; Verify still checks every node.
/// </summary>
public sealed class NodeDownPlanDrills
{
    [Fact]
    public void Reach_is_not_checked_towards_a_node_that_did_not_answer_until_the_final_verify()
    {
        var plan = Planner.Create(Seed(new KubeProxySpec(KubeProxyManager.Systemd)), SeedFacts().Take(2).ToList(), Intent(), "node2", Created);
        var reach = plan.Phase(PhaseKind.VerifyReach).Steps.Select(s => s.Id).ToList();
        Assert.DoesNotContain(reach, id => (id.EndsWith("/api-node3", StringComparison.Ordinal) || id.EndsWith("/etcd-node3", StringComparison.Ordinal)));
        Assert.Contains("reach/node1/route-node3", reach);
        Assert.Contains("reach/node2/api-node1", reach);
        Assert.Contains("reach/node3/api-node1", reach);
        var verify = plan.Phase(PhaseKind.Verify).Steps.Select(s => s.Id).ToList();
        Assert.Contains("verify/node1/api-node3", verify);
        Assert.Contains("verify/node2/etcd-node3", verify);
    }

    /// <summary>Found by the SSH drill: no address known (given or found) while a node did not answer crashed the
    /// Planner (KeyNotFoundException, exit 1) instead of planning nothing.</summary>
    [Fact]
    public void Nothing_to_do_with_a_node_that_did_not_answer_is_planned_not_a_crash()
    {
        var plan = Planner.Create(Seed(), SeedFacts().Skip(1).ToList(), new RecoveryIntent([], null, global::Recovery.Kubernetes.FixAction.Delete, global::Recovery.Kubernetes.FixPath.Auto, TimeSpan.FromSeconds(30)), "node2", Created);
        Assert.True(plan.IsEmpty);
    }
}
