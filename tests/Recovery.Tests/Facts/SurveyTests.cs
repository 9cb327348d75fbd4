using System.Net.Sockets;
using Recovery.Access;
using Recovery.Diagnosis;
using Recovery.Facts;
using Recovery.Tests.Access;
using Recovery.Inventory;
using Recovery.Tests.Facts;
using Recovery.Tests.Fixtures;

namespace Recovery.Tests.Diagnosis;

/// <summary>The whole diagnose (a Survey) over node doubles answering with captured outputs, kubectl's included.</summary>
public sealed class SurveyTests
{
    private static readonly CommandResult Refused = new(1,
        Fixture.Read("kubectl/get-services-refused.stdout"), Fixture.Read("kubectl/get-services-refused.stderr"), TimeSpan.Zero);

    private static NodeResult<INodeShell> Connected(ClusterInventory inventory, string name, CommandResult kubectl, bool isLocal = false)
    {
        var node = inventory.FindByName(name)!;
        var answers = Scenario.Answers(inventory, "seed", node);
        answers[ServiceClaimsLookup.Command("/etc/kubernetes/admin.conf").Render()] = kubectl;
        return new NodeResult<INodeShell>(node, new FixtureShell(node, answers, isLocal), null, TimeSpan.Zero);
    }

    [Fact]
    public async Task Seed_from_node2s_console_with_node3_unreachable()
    {
        var inventory = Scenario.Inventory();
        var node3 = inventory.FindByName("node3")!;
        var shells = new List<NodeResult<INodeShell>>
        {
            Connected(inventory, "node1", Fixture.Ok(Fixture.Read("kubectl/services-list.json"))),
            Connected(inventory, "node2", Refused, isLocal: true),
            new(node3, null, new SocketException((int)SocketError.HostUnreachable), TimeSpan.Zero),
        };

        var report = (await Survey.FromShellsAsync(inventory, new LocalNode(inventory.FindByName("node2"), "test", []), shells, 16, null, default)).Report();

        Assert.True(report.Findings.LockoutFound);
        Assert.Equal(["node1", "node2"], report.Nodes.Select(n => n.NodeName));
        var h = Assert.Single(report.Findings.Hijacked);
        Assert.Equal(["node2"], h.HijackedOn);
        var claim = Assert.Single(h.ClaimedBy);
        Assert.Equal(("default/nginx-service", "kubectl on node1"), (claim.Service.ToString(), claim.Source)); // node2 (local, asked first) was refused
        var u = Assert.Single(report.Findings.Unreachable);
        Assert.Equal(("node3", new SocketException((int)SocketError.HostUnreachable).Message), (u.Node, u.Reason));
        Assert.DoesNotContain(report.Findings.Notices, n => n.Kind == NoticeKind.ClaimsUnknown);
    }

    [Fact]
    public async Task When_no_api_answers_the_claims_are_said_to_be_unknown()
    {
        var inventory = Scenario.Inventory();
        var shells = inventory.Nodes.Select(n => Connected(inventory, n.Name, Refused)).ToList();

        var report = (await Survey.FromShellsAsync(inventory, new LocalNode(inventory.FindByName("node2"), "test", []), shells, 16, null, default)).Report();

        Assert.True(report.Findings.LockoutFound);
        Assert.Empty(report.Findings.Hijacked[0].ClaimedBy);
        var notice = Assert.Single(report.Findings.Notices, n => n.Kind == NoticeKind.ClaimsUnknown);
        Assert.Contains("kubectl on node1: The connection to the server 127.0.0.1:6443 was refused", notice.Message);
    }

    [Fact]
    public async Task A_retake_probes_again_only_the_nodes_that_changed_and_reads_the_claims_again()
    {
        var inventory = Scenario.Inventory();
        var local = new LocalNode(inventory.FindByName("node2"), "test", []);
        var shells = inventory.Nodes.Select(n => Connected(inventory, n.Name, Fixture.Ok(Fixture.Read("kubectl/services-list.json")), n.Name == "node2")).ToList();
        var before = await Survey.FromShellsAsync(inventory, local, shells, 16, null, default);
        var ranBefore = shells.ToDictionary(s => s.Node.Name, s => ((FixtureShell)s.Value!).Ran.Count);
        var addresses = ProbeCommands.Addresses.Render();

        // Every node answered before, so the connector is never asked for a connection.
        var connector = new NodeConnector(inventory, inventory.Ssh, "node2", new TestSecrets(), "/nonexistent");
        var after = await Survey.RetakeAsync(before, new HashSet<string> { "node2" }, connector, 16, null, default);

        var newly = shells.ToDictionary(s => s.Node.Name, s => ((FixtureShell)s.Value!).Ran.Skip(ranBefore[s.Node.Name]).ToList());
        Assert.Contains(addresses, newly["node2"]);
        Assert.DoesNotContain(addresses, newly["node1"]);
        Assert.DoesNotContain(addresses, newly["node3"]);
        Assert.Same(before.Answered.Single(f => f.NodeName == "node3"), after.Answered.Single(f => f.NodeName == "node3"));
        Assert.NotSame(before.Answered.Single(f => f.NodeName == "node2"), after.Answered.Single(f => f.NodeName == "node2"));
        Assert.Contains(ServiceClaimsLookup.Command("/etc/kubernetes/admin.conf").Render(), newly["node2"]);
        Assert.True(after.Claims.Answered);
        Assert.Equal(before.Diagnose().Hijacked.Select(h => h.Address), after.Diagnose().Hijacked.Select(h => h.Address));
    }
}
