using System.Net.Sockets;
using Recovery.Access;
using Recovery.Diagnosis;
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
}
