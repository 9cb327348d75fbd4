using Recovery.Facts;
using Recovery.Inventory;
using Recovery.Planning;
using static Recovery.Tests.Planning.Cluster;
using static Recovery.Tests.Planning.TwoNodeNamespaces;

namespace Recovery.Tests.Planning;

/// <summary>
/// Runs the rendered console scripts of two nodes against real iproute2 and real kernel routing
/// (<see cref="TwoNodeNamespaces"/>). Stand-in: `systemctl`, because the host's systemd must not be touched. The
/// scripts run up to (not including) the Service fix, which needs an API server (the lab tests cover it).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ScriptInNamespaceTests
{
    internal static (ClusterInventory, Plan) TwoNodePlan()
    {
        var inventory = InventoryOf(new Node("node1", Node1, new HashSet<NodeRole>()), new Node("node2", Node2, new HashSet<NodeRole>()));
        var facts = new List<NodeFacts> { FactsOf("node1", Node1, Systemd(), [Node1]), FactsOf("node2", Node2, Systemd(), [Node1]) };
        return (inventory, Planner.Create(inventory, facts, Intent(), "node2", Created));
    }

    [SkippableFact]
    public void Scripts_unbind_the_hijacked_address_restore_the_owners_route_and_are_idempotent()
    {
        Skip.IfNot(Possible, "needs root for network namespaces");
        using var lab = new TwoNodeNamespaces();
        Skip.IfNot(lab.Create(), "ip netns add is not permitted here");
        Assert.StartsWith("local 10.0.0.211", Must("ip", "-n", lab.Node2, "route", "get", "10.0.0.211"), StringComparison.Ordinal);
        var (inventory, plan) = TwoNodePlan();

        foreach (var (node, ns) in new[] { ("node2", lab.Node2), ("node1", lab.Node1) })
        {
            var units = lab.Units(node);
            var script = ScriptPlanRenderer.RenderNode(plan, inventory, node);
            var cut = new[] { "\n# ---- Phase FixObject", "\n# ---- Phase Restore" }.Select(m => script.IndexOf(m, StringComparison.Ordinal)).Where(i => i > 0).Min();
            var file = Path.Combine(lab.Work, $"{node}.sh");
            File.WriteAllText(file, script[..cut] + "\necho UP-TO-FIX-DONE\n");
            var env = new Dictionary<string, string>
            {
                ["PATH"] = $"{lab.StandIns}:/usr/sbin:/usr/bin:/sbin:/bin",
                ["UNITS"] = units,
                ["KUBE_RECOVER_NO_PAUSE"] = "1",
                ["KUBE_RECOVER_STATE_DIR"] = Path.Combine(lab.Work, node, "state"),
            };
            var first = Run(env, lab.Exec(node, ns, "bash", file));
            Assert.True(first.Code == 0, $"{node}: exit {first.Code}\n{first.Out}\n{first.Err}");
            Assert.Contains("UP-TO-FIX-DONE", first.Out, StringComparison.Ordinal);
            Assert.Equal("inactive\n", File.ReadAllText(Path.Combine(units, "kube-proxy.service")));
            // The script records the stop on the node, as recover does, with the node's clock.
            var marker = Recovery.Facts.StopMarker.Parse(File.ReadAllText(Path.Combine(lab.VarDir(node), "stopped", "kube-proxy")));
            Assert.NotNull(marker);
            Assert.Equal(Recovery.Inventory.KubeProxyManager.Systemd, marker.Manager);
            Assert.NotNull(marker.StoppedAt);
            Assert.Contains("10.0.0.211/32", File.ReadAllText(Path.Combine(lab.Work, node, "state", $"{node}.addresses.before.txt")), StringComparison.Ordinal);

            var second = Run(env, lab.Exec(node, ns, "bash", file));
            Assert.True(second.Code == 0, $"{node} (again): exit {second.Code}\n{second.Err}");
            Assert.Contains($"unbind/{node}/del-10.0.0.211\n   Remove 10.0.0.211/32 from kube-ipvs0\n   already done", second.Out, StringComparison.Ordinal);
        }

        foreach (var ns in new[] { lab.Node1, lab.Node2 })
        {
            var ipvs = Must("ip", "-n", ns, "-o", "addr", "show", "dev", "kube-ipvs0");
            Assert.DoesNotContain("10.0.0.211", ipvs, StringComparison.Ordinal);
            Assert.Contains("10.96.0.1/32", ipvs, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("local", Must("ip", "-n", lab.Node2, "route", "get", "10.0.0.211"), StringComparison.Ordinal);
        Assert.Contains("local 10.0.0.211 dev eth0", Must("ip", "-n", lab.Node1, "route", "show", "table", "local"), StringComparison.Ordinal);
    }

    [SkippableFact]
    public void A_script_refuses_to_run_on_another_node()
    {
        Skip.IfNot(Possible, "needs root for network namespaces");
        using var lab = new TwoNodeNamespaces();
        Skip.IfNot(lab.Create(), "ip netns add is not permitted here");
        var file = Path.Combine(lab.Work, "node1.sh");
        File.WriteAllText(file, ScriptPlanRenderer.RenderNode(SeedPlan(), Seed(), "node1"));
        // node2's namespace has 10.0.0.211 only on kube-ipvs0: that must not pass for node1.
        var result = Run(new Dictionary<string, string> { ["KUBE_RECOVER_NO_PAUSE"] = "1" }, "ip", "netns", "exec", lab.Node2, "bash", file);
        Assert.Equal(1, result.Code);
        Assert.Contains("this script is for node1 (10.0.0.211), which is not this machine", result.Err, StringComparison.Ordinal);
        Assert.Contains("10.0.0.211/32", Must("ip", "-n", lab.Node2, "-o", "addr", "show", "dev", "kube-ipvs0"), StringComparison.Ordinal);
    }
}
