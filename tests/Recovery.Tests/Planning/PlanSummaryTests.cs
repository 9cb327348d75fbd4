using System.Net;
using System.Runtime.CompilerServices;
using Recovery.Facts;
using Recovery.Inventory;
using Recovery.Planning;
using Recovery.Planning.Summary;
using static Recovery.Tests.Planning.Cluster;

namespace Recovery.Tests.Planning;

public sealed class PlanSummaryTests
{
    private static string Golden(string name, [CallerFilePath] string here = "") => Path.Combine(Path.GetDirectoryName(here)!, "golden", name);

    /// <summary>Set KUBE_RECOVER_UPDATE_GOLDEN=1 to rewrite a golden summary after a deliberate change, and review the diff.</summary>
    private static void AssertGolden(string name, string actual)
    {
        var path = Golden(name);
        if (Environment.GetEnvironmentVariable("KUBE_RECOVER_UPDATE_GOLDEN") == "1") File.WriteAllText(path, actual);
        Assert.Equal(File.ReadAllText(path), actual);
    }

    [Fact]
    public void The_seed_plan_summary_matches_the_reviewed_golden_file() =>
        AssertGolden("summary-seed.txt", PlanSummary.Render(SeedPlan()));

    /// <summary>
    /// 100 nodes: three masters with systemd kube-proxy, 97 workers whose kube-proxy is a static pod, node1's address
    /// on every kube-ipvs0. The summary must fit a console screen (25 lines) however many nodes there are.
    /// </summary>
    [Fact]
    public void A_hundred_node_plan_fits_one_screen()
    {
        var (inventory, facts) = HundredNodes();
        var plan = Planner.Create(inventory, facts, Intent(addresses: [inventory.Nodes[0].Address]), "node2", Created);

        var summary = PlanSummary.Render(plan);

        Assert.True(summary.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length <= 25, summary);
        Assert.Contains("node4-node100", summary, StringComparison.Ordinal);
        Assert.Contains("stop kube-proxy.service", summary, StringComparison.Ordinal);
        Assert.Contains("move aside /etc/kubernetes/manifests/kube-proxy.yaml", summary, StringComparison.Ordinal);
        AssertGolden("summary-100.txt", summary);
    }

    [Fact]
    public void Nodes_doing_the_same_are_one_row_and_the_owner_its_own()
    {
        var unbind = SeedPlan().Phase(PhaseKind.Unbind);

        var groups = PlanSummary.Groups(unbind).ToList();

        Assert.Equal(2, groups.Count);
        Assert.Equal("node2, node3", groups[0].Nodes);
        Assert.Equal("node1", groups[1].Nodes);
        Assert.Contains("restore its local route 10.0.0.211", groups[1].Gist, StringComparison.Ordinal);
        Assert.DoesNotContain("local route", groups[0].Gist, StringComparison.Ordinal);
    }

    [Fact]
    public void A_later_plan_doing_only_what_was_shown_is_covered_and_one_doing_more_is_not()
    {
        var shown = SeedPlan();
        // Stage 2 after node2 was fixed first: node2 no longer holds the address.
        var facts = SeedFacts();
        facts[1] = FactsOf("node2", Node2, Systemd(running: false), []);
        var rest = Planner.Create(Seed(), facts, Intent(), "node2", Created);
        var more = Planner.Create(Seed(), SeedFacts(), Intent(addresses: [Node1, Node3]), "node2", Created);

        Assert.True(PlanSummary.Covers(shown, rest));
        Assert.False(PlanSummary.Covers(shown, more));
    }

    [Theory]
    [InlineData("node1,node2,node3", "node1-node3")]
    [InlineData("node1,node2", "node1, node2")]
    [InlineData("node2,node3,node4,node7,node9,node10,node11", "node2-node4, node7, node9-node11")]
    [InlineData("master-a,node1,node2,node3", "master-a, node1-node3")]
    [InlineData("n01,n02,n03", "n01, n02, n03")]
    [InlineData("a1,b1,c1,d1,e1,f1,g1,h1", "a1, b1, c1, d1, e1 and 3 more")]
    public void Node_lists_fold_numbered_runs(string names, string expected) =>
        Assert.Equal(expected, NodeList.Compact(names.Split(',')));

    private static (ClusterInventory, List<NodeFacts>) HundredNodes()
    {
        var nodes = new List<Node>();
        var facts = new List<NodeFacts>();
        for (var i = 1; i <= 100; i++)
        {
            var address = IPAddress.Parse($"10.0.1.{i}");
            var master = i <= 3;
            nodes.Add(new Node($"node{i}", address, master ? Masters : []));
            var proxy = master ? Systemd() : new KubeProxyFacts(KubeProxyManager.StaticPod, true, "ipvs", ManifestPath: "/etc/kubernetes/manifests/kube-proxy.yaml");
            facts.Add(FactsOf($"node{i}", address, proxy, [nodes[0].Address], kubectl: master));
        }
        return (InventoryOf([.. nodes]), facts);
    }
}
