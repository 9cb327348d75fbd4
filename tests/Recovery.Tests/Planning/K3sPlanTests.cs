using Recovery.Commands;
using Recovery.Facts;
using Recovery.Inventory;
using Recovery.Kubernetes;
using Recovery.Planning;
using static Recovery.Tests.Planning.Cluster;

namespace Recovery.Tests.Planning;

/// <summary>
/// k3s: a server runs the API server and kube-proxy in one process (unit `k3s`), an agent only kube-proxy (`k3s-agent`).
/// The tool never stops an API server (DESIGN.md guarantee 9): on servers the Service is fixed first through the
/// server's own API, and its addresses are removed only after the fix; agents are contained like any systemd unit.
/// </summary>
public sealed class K3sPlanTests
{
    private const string K3sYaml = "/etc/rancher/k3s/k3s.yaml";

    private static KubeProxyFacts K3s(string unit = "k3s.service") => new(KubeProxyManager.K3s, true, "ipvs", Unit: unit);

    private static NodeFacts Server(NodeFacts f) => f with { KubeProxy = K3s(), Kubectl = new KubectlFacts(true, K3sYaml) };

    /// <summary>node1..3 k3s servers (the seed: node1's address on every kube-ipvs0), node4 a k3s agent.</summary>
    private static (ClusterInventory Inventory, List<NodeFacts> Facts) Lab()
    {
        var node4 = System.Net.IPAddress.Parse("10.0.0.221");
        var inventory = InventoryOf(new Node("node1", Node1, Masters), new Node("node2", Node2, Masters), new Node("node3", Node3, Masters), new Node("node4", node4, new HashSet<NodeRole>()));
        var facts = SeedFacts().Select(Server).Append(FactsOf("node4", node4, K3s("k3s-agent.service"), [Node1], kubectl: false)).ToList();
        return (inventory, facts);
    }

    /// <summary>Every command a step can run: its action, its undo, and its probes.</summary>
    private static IEnumerable<NodeCommand> Everything(Step s) =>
        (s.Action is RunCommands run ? run.Commands : []).Append(s.Undo).Append(s.Guard?.Command).Append(s.Check?.Command).Append(s.Verify?.Probe.Command).OfType<NodeCommand>();

    private static void NeverStopsK3sOnAServer(Plan plan, params string[] servers) =>
        Assert.DoesNotContain(plan.Steps, s => servers.Contains(s.Node) && Everything(s).Any(c => c is UnitStop { Unit: "k3s" or "k3s.service" }));

    [Fact]
    public void The_k3s_unit_is_never_stopped_on_a_server_and_the_agent_is_contained_as_a_unit()
    {
        var (inventory, facts) = Lab();
        foreach (var plan in new[]
                 {
                     Planner.Create(inventory, facts, Intent(), "node2", Created),
                     Planner.Create(inventory, facts, Intent() with { FixFirstVia = "node3" }, "node2", Created),
                     Planner.Create(inventory, facts, Intent(path: FixPath.Etcd), "node1", Created),
                     Planner.Create(inventory, facts.Where(f => f.NodeName != "node3").ToList(), Intent(), "node2", Created),
                 })
        {
            NeverStopsK3sOnAServer(plan, "node1", "node2", "node3");
            Assert.DoesNotContain(plan.Steps, s => s.Node != "node4" && s.Id.StartsWith("contain/", StringComparison.Ordinal));
            Assert.DoesNotContain(plan.Steps, s => s.Node != "node4" && s.Id.StartsWith("restore/", StringComparison.Ordinal));
            Assert.Equal(["systemctl stop k3s-agent.service"], plan.Step("contain/node4/stop-kube-proxy").StopCommands());
            Assert.Equal(["systemctl start k3s-agent.service"], plan.Step("restore/node4/start-kube-proxy").Commands());
            Assert.DoesNotContain(plan.Warnings, w => w.Contains("also stops its API server", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void On_a_server_the_fix_through_its_own_API_comes_before_its_unbind_which_waits_for_kube_proxy_first()
    {
        var (inventory, facts) = Lab();
        var plan = Planner.Create(inventory, facts, Intent(), "node2", Created);

        Assert.Equal([PhaseKind.Preflight, PhaseKind.FixFirst, PhaseKind.Contain, PhaseKind.Unbind, PhaseKind.VerifyReach, PhaseKind.FixObject,
            PhaseKind.UnbindAfterFix, PhaseKind.Restore, PhaseKind.Verify], plan.Phases.Select(p => p.Kind));
        foreach (var server in new[] { "node1", "node2", "node3" })
        {
            var fix = Assert.IsType<KubectlFix>(plan.Step($"fix-first/{server}/delete-claiming-services").Action);
            Assert.Equal(new KubectlCandidate(server, K3sYaml), Assert.Single(fix.Candidates));
            Assert.False(fix.EtcdFallback);
            Assert.DoesNotContain(plan.Steps, s => s.Node == server && s.Id.StartsWith("unbind/", StringComparison.Ordinal));
            // The server's own API fixes first, and FixObject (which stops the run when it fails) comes before its unbind.
            var unbind = plan.IndexOf($"unbind-after-fix/{server}/del-{Node1}");
            Assert.True(plan.IndexOf($"fix-first/{server}/delete-claiming-services") < unbind);
            Assert.True(plan.IndexOf("fix-object/node2/delete-claiming-services") < unbind);
            // kube-proxy gets its two sync periods to remove the address itself; the removal by hand is only for what is left.
            var wait = plan.Step($"unbind-after-fix/{server}/self-unbind-{Node1}");
            Assert.Equal(TimeSpan.FromSeconds(70), Assert.IsType<Wait>(wait.Action).Duration);
            Assert.Equal(Probes.NotOnIpvsInterface(Node1).Command.Render(), wait.Check!.Command.Render());
            Assert.True(plan.IndexOf(wait.Id) < unbind);
            Assert.Equal(wait.Check.Command.Render(), plan.Step($"unbind-after-fix/{server}/del-{Node1}").Check!.Command.Render());
            Assert.Equal("systemctl is-active --quiet k3s.service", plan.Step($"verify/{server}/kube-proxy-running").Verify!.Probe.Command.Render());
        }
        // The agent is stopped, so it is unbound before the fix as usual; the blind wait stays before the final checks.
        Assert.True(plan.IndexOf($"unbind/node4/del-{Node1}") < plan.IndexOf("fix-object/node2/delete-claiming-services"));
        Assert.Contains(plan.Steps, s => s.Id == "verify/node2/wait-two-sync-periods");
        Assert.Contains(plan.Notes, n => n.Contains("kube-proxy on node1 runs inside k3s.service with an API server: the tool never stops it", StringComparison.Ordinal));
        PlanValidator.Validate(plan, inventory);
    }

    [Fact]
    public void Where_a_servers_own_API_cannot_be_asked_the_plan_says_so_and_still_does_what_is_safe_elsewhere()
    {
        var (inventory, facts) = Lab();
        facts[0] = facts[0] with { Kubectl = new KubectlFacts(false, null) };
        var plan = Planner.Create(inventory, facts, Intent(), "node2", Created);

        NeverStopsK3sOnAServer(plan, "node1", "node2", "node3");
        Assert.DoesNotContain(plan.Steps, s => s.Id.StartsWith("fix-first/node1/", StringComparison.Ordinal));
        var warning = Assert.Single(plan.Warnings, w => w.Contains("kube-proxy on node1 runs inside k3s.service", StringComparison.Ordinal));
        Assert.Contains("cannot be fixed first through node1's own API (kubectl is not installed there)", warning, StringComparison.Ordinal);
        Assert.Contains("Do not stop k3s.service at its console", warning, StringComparison.Ordinal);
        Assert.Contains($"ip addr del {Node1}/32 dev kube-ipvs0", warning, StringComparison.Ordinal);
        // Everything else stays: the agent is contained and unbound, the Service fixed, node1 unbound after the fix.
        Assert.True(plan.IndexOf("contain/node4/stop-kube-proxy") < plan.IndexOf($"unbind/node4/del-{Node1}"));
        Assert.True(plan.IndexOf("fix-object/node2/delete-claiming-services") < plan.IndexOf($"unbind-after-fix/node1/del-{Node1}"));
    }

    [Fact]
    public void A_k3s_agent_is_stopped_and_a_k3s_node_not_known_as_an_agent_counts_as_a_server()
    {
        var inventory = InventoryOf(new Node("node1", Node1, Masters), new Node("node2", Node2, new HashSet<NodeRole>()), new Node("node3", Node3, new HashSet<NodeRole>()));
        var facts = SeedFacts().ToList();
        facts[1] = facts[1] with { KubeProxy = K3s("k3s-agent.service") };
        facts[2] = facts[2] with { KubeProxy = K3s() };
        var plan = Planner.Create(inventory, facts, Intent(), "node1", Created);

        Assert.Equal(["systemctl stop k3s-agent.service"], plan.Step("contain/node2/stop-kube-proxy").StopCommands());
        NeverStopsK3sOnAServer(plan, "node3");
        Assert.Contains(plan.Steps, s => s.Id == $"unbind-after-fix/node3/del-{Node1}");
    }

    [Fact]
    public void Local_first_on_a_server_is_its_fix_through_its_own_API_never_a_stop()
    {
        var (inventory, facts) = Lab();
        var stage = Recovery.Execution.LocalFirst.Restrict(Planner.Create(inventory, facts, Intent(), "node2", Created), "node2");

        NeverStopsK3sOnAServer(stage, "node2");
        Assert.Contains(stage.Steps, s => s.Id == "fix-first/node2/delete-claiming-services");
        Assert.All(stage.Steps, s => Assert.Equal("node2", s.Node));
    }
}
