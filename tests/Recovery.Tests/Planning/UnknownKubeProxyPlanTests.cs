using Recovery.Facts;
using Recovery.Planning;
using static Recovery.Tests.Planning.Cluster;

namespace Recovery.Tests.Planning;

/// <summary>
/// A node whose kube-proxy could not be identified because its reads did not answer (issue 16): the plan never passes
/// over it as a node without kube-proxy; it holds the run before the Service fix and says how to continue.
/// </summary>
public sealed class UnknownKubeProxyPlanTests
{
    private const string Why = "systemctl show: no answer within 10 s, nor within 30 s on a second try";

    private static List<NodeFacts> Node3Unknown() => SeedFacts().Select(f => f.NodeName == "node3"
        ? f with { KubeProxy = new KubeProxyFacts(null, false, "unknown") { Unknown = Why } }
        : f).ToList();

    [Fact]
    public void The_run_is_held_on_that_node_before_the_service_fix()
    {
        var plan = Planner.Create(Seed(), Node3Unknown(), Intent(), "node2", Created);

        var hold = plan.Step("reach/node3/kube-proxy-unknown");
        var unbound = plan.Step("reach/node3/unbound-10.0.0.211");
        Assert.Contains(hold, plan.Phase(PhaseKind.VerifyReach).Steps);
        Assert.True(plan.IndexOf(unbound.Id) < plan.IndexOf("fix-object/node2/delete-claiming-services"));
        // Verify-only: it holds once kube-proxy is silent there and the address is off, else it fails and the run stops.
        // kube-proxy's /proxyMode, asked with curl and bash's /dev/tcp where curl cannot run (ProxyModeQuery).
        Assert.Equal(ProbeExpectation.Fails, hold.Check!.Expect);
        Assert.Equal(new Recovery.Commands.ProxyModeQuery(), hold.Check.Command);
        Assert.NotNull(hold.Verify);
        Assert.Equal(ProbeExpectation.PrintsNothing, unbound.Verify!.Probe.Expect);
        Assert.Empty(((RunCommands)hold.Action).Commands);
        Assert.False(hold.Deferred);
    }

    [Fact]
    public void It_is_not_stopped_or_unbound_blindly_and_the_others_still_are()
    {
        var plan = Planner.Create(Seed(), Node3Unknown(), Intent(), "node2", Created);

        Assert.DoesNotContain(plan.Steps, s => s.Id.StartsWith("contain/node3/", StringComparison.Ordinal) || s.Id.StartsWith("unbind/node3/", StringComparison.Ordinal));
        Assert.Contains(plan.Steps, s => s.Id == "contain/node1/stop-kube-proxy");
        Assert.Contains(plan.Steps, s => s.Id == "unbind/node2/del-10.0.0.211");
    }

    [Fact]
    public void The_warning_names_the_fact_the_node_and_how_to_continue()
    {
        var plan = Planner.Create(Seed(), Node3Unknown(), Intent(), "node2", Created);

        var warning = Assert.Single(plan.Warnings, w => w.Contains("node3", StringComparison.Ordinal));
        Assert.Contains($"how kube-proxy runs on node3 is unknown ({Why})", warning, StringComparison.Ordinal);
        Assert.Contains("stops before the Service fix", warning, StringComparison.Ordinal);
        Assert.Contains("kubeProxy.manager for node3", warning, StringComparison.Ordinal);
        Assert.Contains("ip addr del 10.0.0.211/32 dev kube-ipvs0", warning, StringComparison.Ordinal);
        Assert.Contains("--resume", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void A_node_known_to_run_no_kube_proxy_is_not_held()
    {
        var facts = SeedFacts().Select(f => f.NodeName == "node3" ? f with { KubeProxy = new KubeProxyFacts(null, false, "unknown") } : f).ToList();

        var plan = Planner.Create(Seed(), facts, Intent(), "node2", Created);

        Assert.DoesNotContain(plan.Steps, s => s.Id.Contains("kube-proxy-unknown", StringComparison.Ordinal));
        Assert.Empty(plan.Warnings);
    }

    [Fact]
    public void A_node_whose_addresses_were_not_read_is_not_nothing_to_do()
    {
        // No kube-ipvs0 seen anywhere, but node3's `ip addr show` did not answer: it may hold the address.
        var facts = SeedFacts().Select(f => f.NodeName == "node3"
            ? f with { Addresses = [], AddressesUnread = true }
            : f with { Addresses = [.. f.Addresses.Where(a => a.Interface != NodeFacts.IpvsInterface)] }).ToList();

        var plan = Planner.Create(Seed(), facts, Intent(), "node2", Created);

        Assert.Contains(plan.Steps, s => s.Id == "unbind/node3/del-10.0.0.211");
        Assert.DoesNotContain(plan.Notes, n => n.StartsWith("Nothing to do", StringComparison.Ordinal));
    }

    [Fact]
    public void A_reach_check_that_got_no_answer_on_its_own_node_is_not_taken_for_a_stopped_api_server()
    {
        var facts = SeedFacts().Select(f => f.NodeName == "node1"
            ? f with { Reach = [new ReachProbe("node1", Node1, 6443, false, "no answer within 3s, nor within 6s on a second try") { Unknown = true }] }
            : f).ToList();

        var plan = Planner.Create(Seed(), facts, Intent(), "node2", Created);

        Assert.Contains(plan.Steps, s => s.Id == "reach/node2/api-node1");
        Assert.DoesNotContain(plan.Notes, n => n.Contains("node1:6443", StringComparison.Ordinal));
    }

    [Fact]
    public void The_inventorys_kube_proxy_manager_settles_it()
    {
        var plan = Planner.Create(Seed(new Recovery.Inventory.KubeProxySpec(Recovery.Inventory.KubeProxyManager.Systemd)), Node3Unknown(), Intent(), "node2", Created);

        Assert.DoesNotContain(plan.Steps, s => s.Id.Contains("kube-proxy-unknown", StringComparison.Ordinal));
        Assert.Contains(plan.Steps, s => s.Id == "contain/node3/stop-kube-proxy");
    }
}
