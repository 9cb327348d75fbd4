using System.Net;
using Recovery.Access;
using Recovery.Diagnosis;
using Recovery.Facts;
using Recovery.Tests.Facts;

namespace Recovery.Tests.Diagnosis;

/// <summary>Findings over fact sets probed from captured real outputs (Fixtures/scenarios).</summary>
public sealed class DiagnoserTests
{
    private static readonly IPAddress Node1 = IPAddress.Parse("10.77.0.11");
    private static readonly IPAddress Node2 = IPAddress.Parse("10.77.0.12");
    private static readonly IPAddress Node3 = IPAddress.Parse("10.77.0.13");

    [Fact]
    public async Task Seed_node1s_address_on_every_kube_ipvs0_locks_out_the_other_two()
    {
        var report = await DiagnosisScenarios.RunAsync("seed", ["default/nginx-service"]);
        var f = report.Findings;

        Assert.True(f.LockoutFound);
        var h = Assert.Single(f.Hijacked);
        Assert.Equal(Node1, h.Address);
        Assert.Equal("node1", h.Owner);
        Assert.True(h.OwnerBound);
        Assert.Equal(["node2", "node3"], h.HijackedOn);
        Assert.Equal(["node1", "node2", "node3"], h.BoundOn);
        Assert.Equal("default/nginx-service", Assert.Single(h.ClaimedBy).Service.ToString());
        // node1 itself is cut off: the others' replies to 10.77.0.11 stay on them (captured: timeouts, no route to host).
        Assert.Equal(["node1->node2:6443", "node1->node3:6443", "node1->node2:2379", "node1->node3:2379"],
            h.BrokenReach.Where(b => !b.ToItself).Select(b => $"{b.FromNode}->{b.ToNode}:{b.Port}"));
        // Every node listens on 6443/2379, so the others' checks "connect": to the checking node itself.
        Assert.Equal(["node2->node1:6443", "node2->node1:2379", "node3->node1:6443", "node3->node1:2379"],
            h.BrokenReach.Where(b => b.ToItself).Select(b => $"{b.FromNode}->{b.ToNode}:{b.Port}"));
        Assert.DoesNotContain(f.Notices, n => n.Kind is NoticeKind.NotIpvs or NoticeKind.OwnerOnly);
    }

    [Fact]
    public async Task Newer_kube_proxy_spares_the_owner_but_still_hijacks_the_others()
    {
        var h = Assert.Single((await DiagnosisScenarios.RunAsync("newer", ["default/nginx-service"])).Findings.Hijacked);

        Assert.False(h.OwnerBound);
        Assert.Equal(["node2", "node3"], h.HijackedOn);
        Assert.Equal(["node2", "node3"], h.BoundOn);
    }

    [Fact]
    public async Task A_load_balancer_ingress_ip_equal_to_node3_is_found_with_its_service()
    {
        var f = (await DiagnosisScenarios.RunAsync("lb-ingress", ["ingress-nginx/ingress-nginx-controller"])).Findings;

        var h = Assert.Single(f.Hijacked);
        Assert.Equal((Node3, "node3"), (h.Address, h.Owner));
        Assert.Equal(["node1", "node2"], h.HijackedOn);
        var claim = Assert.Single(h.ClaimedBy);
        Assert.Equal(["status.loadBalancer.ingress"], claim.FieldsClaiming(Node3));
    }

    [Fact]
    public async Task Several_addresses_including_a_protected_one_nobody_owns()
    {
        var f = (await DiagnosisScenarios.RunAsync("several", ["default/nginx-service", "ops/legacy-gw"])).Findings;

        Assert.Equal([Node1, Node2, Scenario.Protected], f.Hijacked.Select(h => h.Address));
        Assert.Equal(["node2", "node3"], f.Hijacked[0].HijackedOn);
        Assert.Equal(["node1", "node3"], f.Hijacked[1].HijackedOn);
        var vip = f.Hijacked[2];
        Assert.True(vip.IsProtected);
        Assert.Null(vip.Owner);
        Assert.Equal(["node1", "node2", "node3"], vip.HijackedOn);
        Assert.Equal("ops/legacy-gw", Assert.Single(vip.ClaimedBy).Service.ToString());
        Assert.Empty(vip.BrokenReach); // no control-plane port lives on the VIP
    }

    [Fact]
    public async Task An_unreachable_owner_is_a_finding_with_the_reason_and_why_it_may_be()
    {
        var reason = await DiagnosisScenarios.RefusedConnectionMessageAsync();
        var f = (await DiagnosisScenarios.RunAsync("seed", ["default/nginx-service"], unreachableNode: "node1", unreachableReason: reason)).Findings;

        var u = Assert.Single(f.Unreachable);
        Assert.Equal(("node1", Node1, reason), (u.Node, u.Address, u.Reason));
        Assert.Contains("kube-ipvs0 of node2, node3", u.Hint);
        Assert.True(f.LockoutFound);
        var h = Assert.Single(f.Hijacked);
        Assert.Equal("node1", h.Owner); // from the inventory, even without node1's facts
        Assert.Null(h.OwnerBound);
        Assert.Equal(["node2", "node3"], h.BoundOn);
    }

    [Fact]
    public async Task Iptables_mode_is_no_lockout_and_says_so()
    {
        var f = (await DiagnosisScenarios.RunAsync("not-ipvs", ["default/nginx-service"], _ => Scenario.ModeAnswer.ConfigIptables)).Findings;

        Assert.False(f.LockoutFound);
        Assert.Empty(f.Hijacked);
        Assert.Equal(["node1", "node2", "node3"], f.Notices.Where(n => n.Kind == NoticeKind.NotIpvs).Select(n => n.Node));
        Assert.Contains(f.Notices, n => n.Kind == NoticeKind.UnboundClaim && n.Message.Contains("default/nginx-service", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_owner_alone_holding_its_address_is_no_lockout_but_is_flagged()
    {
        var f = (await DiagnosisScenarios.RunAsync("owner-only", ["default/nginx-service"])).Findings;

        Assert.False(f.LockoutFound);
        var h = Assert.Single(f.Hijacked);
        Assert.Empty(h.HijackedOn);
        Assert.True(h.OwnerBound);
        Assert.Contains(f.Notices, n => n.Kind == NoticeKind.OwnerOnly && n.Node == "node1");
    }

    [Fact]
    public async Task Fanout_errors_become_unreachable_nodes()
    {
        var inventory = Scenario.Inventory();
        var probe = new NodeProbe(inventory);
        var results = await Fanout.RunAsync(inventory.Nodes, (node, ct) => node.Name == "node3"
            ? Task.FromException<NodeFacts>(new IOException("ssh: connect to 10.77.0.13 port 22: No route to host"))
            : probe.ProbeAsync(Scenario.Shell(inventory, "seed", node.Name), ct));

        var f = Diagnoser.Diagnose(inventory, results, []);

        var u = Assert.Single(f.Unreachable);
        Assert.Equal(("node3", "ssh: connect to 10.77.0.13 port 22: No route to host"), (u.Node, u.Reason));
        Assert.Null(u.Hint); // node3's address is not hijacked
        Assert.Equal(["node2"], Assert.Single(f.Hijacked).HijackedOn);
    }

    [Fact]
    public async Task At_the_owners_console_the_silent_others_are_presumed_hijacked_never_no_lockout()
    {
        // node1's console in the seed: its own address on its kube-ipvs0 (v1.20), node2 and node3 silent.
        const string silent = "no SSH answer from node2 at 10.77.0.12 within 10 s";
        var report = await DiagnosisScenarios.RunAsync("seed", [], unreachableNodes: ["node2", "node3"], unreachableReason: silent, console: "node1");
        var f = report.Findings;

        Assert.True(f.LockoutFound);
        Assert.False(f.SeenWhole);
        var h = Assert.Single(f.Hijacked);
        Assert.Equal((Node1, "node1", true), (h.Address, h.Owner, h.OwnerBound));
        Assert.Empty(h.HijackedOn);
        Assert.Equal(["node2", "node3"], h.PresumedOn);
        // What node1 saw for itself: its checks towards the silent nodes fail.
        Assert.Contains(h.BrokenReach, b => b.FromNode == "node1" && b.ToNode == "node2" && !b.ToItself);
        Assert.All(f.Unreachable, u => Assert.Contains("presumed to hold 10.77.0.11", u.Hint));
        Assert.DoesNotContain(f.Notices, n => n.Kind == NoticeKind.OwnerOnly);

        var text = DiagnosisText.Render(report);
        Assert.StartsWith("LOCKOUT FOUND, NOT SEEN WHOLE: 1 hijacked address; node2, node3 could not be read", text, StringComparison.Ordinal);
        Assert.Contains("10.77.0.11 (node1's address) is presumed hijacked on node2, node3", text, StringComparison.Ordinal);
        Assert.DoesNotContain("No lockout", text, StringComparison.OrdinalIgnoreCase);
        var json = System.Text.Json.Nodes.JsonNode.Parse(DiagnosisJson.Render(report))!;
        Assert.Equal(["node2", "node3"], json["findings"]!["hijacked"]![0]!["presumedOn"]!.AsArray().Select(n => (string?)n));
        Assert.False((bool)json["seenWhole"]!);
    }

    [Fact]
    public async Task Silent_nodes_without_a_sign_of_the_claim_are_not_seen_and_never_no_lockout()
    {
        // A newer kube-proxy spares its owner, and no API answered: nothing here points at the lockout, but two nodes are unseen.
        var report = await DiagnosisScenarios.RunAsync("newer", [], unreachableNodes: ["node2", "node3"], console: "node1");

        Assert.False(report.Findings.LockoutFound);
        Assert.Empty(report.Findings.Hijacked);
        Assert.StartsWith("NO LOCKOUT SEEN, BUT NOT SEEN WHOLE: node2, node3 could not be read", DiagnosisText.Render(report), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Silent_nodes_seen_from_another_console_are_not_presumed()
    {
        // From node2's console node3's silence says nothing about node1's address: reported unseen, not presumed.
        var f = (await DiagnosisScenarios.RunAsync("seed", ["default/nginx-service"], unreachableNodes: ["node3"], console: "node2")).Findings;

        var h = Assert.Single(f.Hijacked);
        Assert.Equal(["node2"], h.HijackedOn);
        Assert.Empty(h.PresumedOn);
        Assert.False(f.SeenWhole);
    }

    [Fact]
    public async Task A_readable_claim_makes_the_silent_nodes_presumed_even_where_the_owner_is_spared()
    {
        var f = (await DiagnosisScenarios.RunAsync("newer", ["default/nginx-service"], unreachableNodes: ["node2", "node3"], console: "node1")).Findings;

        var h = Assert.Single(f.Hijacked);
        Assert.False(h.OwnerBound);
        Assert.Equal(["node2", "node3"], h.PresumedOn);
        Assert.True(f.LockoutFound);
    }

    [Fact]
    public async Task A_node_whose_addresses_could_not_be_read_is_not_seen_and_never_no_lockout()
    {
        // iptables mode everywhere: nothing bound. But node2's `ip addr show` did not answer: its kube-ipvs0 is unknown.
        var inventory = Scenario.Inventory();
        var facts = (await Scenario.ProbeAllAsync(inventory, "not-ipvs", _ => Scenario.ModeAnswer.ConfigIptables))
            .Select(f => f.NodeName == "node2" ? f with { Addresses = [], AddressesUnread = true } : f).ToList();
        var report = new DiagnosisReport(inventory, facts, Diagnoser.Diagnose(inventory, facts, [], []));

        Assert.False(report.Findings.LockoutFound);
        Assert.False(report.Findings.SeenWhole);
        Assert.StartsWith("NO LOCKOUT SEEN, BUT NOT SEEN WHOLE: the addresses of node2 could not be read", DiagnosisText.Render(report), StringComparison.Ordinal);
        Assert.False((bool)System.Text.Json.Nodes.JsonNode.Parse(DiagnosisJson.Render(report))!["seenWhole"]!);
    }

    [Fact]
    public async Task At_the_owners_console_a_node_whose_addresses_were_not_read_does_not_clear_the_silent_ones()
    {
        // node1's console in the seed: node2 silent; node3 answered, but neither its `ip addr show` nor its `ip route get` did.
        var inventory = Scenario.Inventory();
        var facts = (await Scenario.ProbeAllAsync(inventory, "seed"))
            .Where(f => f.NodeName != "node2")
            .Select(f => f.NodeName == "node3" ? f with { Addresses = [], Routes = [], AddressesUnread = true } : f).ToList();
        var node2 = inventory.FindByName("node2")!;

        var f = Diagnoser.Diagnose(inventory, facts, [new UnreachableNode("node2", node2.Address, "no SSH answer")], [], "node1");

        Assert.True(f.LockoutFound);
        Assert.Equal(["node2"], Assert.Single(f.Hijacked).PresumedOn);
        Assert.DoesNotContain(f.Notices, n => n.Kind == NoticeKind.OwnerOnly);
    }

    [Fact]
    public async Task An_owner_whose_addresses_were_not_read_is_not_said_to_be_spared()
    {
        // The seed (v1.20: node1 holds its own address on kube-ipvs0), but node1's `ip addr show` did not answer.
        var inventory = Scenario.Inventory();
        var facts = (await Scenario.ProbeAllAsync(inventory, "seed"))
            .Select(f => f.NodeName == "node1" ? f with { Addresses = [], AddressesUnread = true } : f).ToList();
        var report = new DiagnosisReport(inventory, facts, Diagnoser.Diagnose(inventory, facts, [], []));

        Assert.Null(Assert.Single(report.Findings.Hijacked).OwnerBound);
        Assert.DoesNotContain("newer kube-proxy skips a local address", DiagnosisText.Render(report), StringComparison.Ordinal);
    }
}
