using Recovery.Access;
using Recovery.Diagnosis;
using Recovery.Facts;
using Recovery.Tests.Facts;
using Recovery.Tests.Fixtures;

namespace Recovery.Tests.Diagnosis;

/// <summary>Asking kubectl on the nodes for claims, with kubectl's real answers (Fixtures/kubectl).</summary>
public sealed class ServiceClaimsLookupTests
{
    private static readonly CommandResult Refused = new(
        int.Parse(Fixture.Read("kubectl/get-services-refused.exit")[5..].Trim(), System.Globalization.CultureInfo.InvariantCulture),
        Fixture.Read("kubectl/get-services-refused.stdout"),
        Fixture.Read("kubectl/get-services-refused.stderr"),
        TimeSpan.Zero);

    private static readonly CommandResult Answer = Fixture.Ok(Fixture.Read("kubectl/services-list.json"));

    private static (INodeShell, NodeFacts) Node(string name, CommandResult kubectl, bool isLocal = false, bool installed = true, TimeSpan latency = default,
        System.Net.IPAddress? onIpvs = null)
    {
        var inventory = Scenario.Inventory();
        var node = inventory.FindByName(name)!;
        var shell = new FixtureShell(node, new Dictionary<string, CommandResult>
        {
            [ServiceClaimsLookup.Command("/etc/kubernetes/admin.conf").Render()] = kubectl,
        }, isLocal) { Latency = latency };
        var facts = new NodeFacts(name, name, "", onIpvs is null ? [] : [new InterfaceAddress(NodeFacts.IpvsInterface, onIpvs, 32)], [], new KubeProxyFacts(null, false, "unknown"), true, [],
            new KubectlFacts(installed, "/etc/kubernetes/admin.conf"));
        return (shell, facts);
    }

    [Fact]
    public async Task A_refused_connection_is_a_failure_even_though_kubectl_prints_an_empty_list()
    {
        var result = await ServiceClaimsLookup.ReadAsync([Node("node2", Refused, isLocal: true), Node("node1", Answer)]);

        Assert.True(result.Answered);
        Assert.Equal("kubectl on node1", result.Source);
        Assert.Equal(["kubectl on node2: The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?"], result.Failures);
        Assert.Equal(3, result.Claims.Count);
    }

    [Fact]
    public async Task The_local_node_is_asked_first()
    {
        var result = await ServiceClaimsLookup.ReadAsync([Node("node1", Answer), Node("node3", Answer, isLocal: true)]);

        Assert.Equal("kubectl on node3", result.Source);
        Assert.Empty(result.Failures);
    }

    [Fact]
    public async Task No_answer_anywhere_says_why()
    {
        var none = await ServiceClaimsLookup.ReadAsync([Node("node1", Answer, installed: false)]);
        var refused = await ServiceClaimsLookup.ReadAsync([Node("node1", Refused)]);

        Assert.False(none.Answered);
        Assert.Equal(["no node has both kubectl and a kubeconfig"], none.Failures);
        Assert.False(refused.Answered);
        Assert.Empty(refused.Claims);
        Assert.Single(refused.Failures);
    }

    [Fact]
    public async Task An_API_server_that_hangs_does_not_hold_up_the_next_one()
    {
        // The local kubectl talks to an API server cut off by the lockout: it answers only after minutes. Asked one
        // after the other, node2 would be the source; with the next candidate started, node1 answers first.
        var hanging = Node("node2", Answer, isLocal: true, latency: TimeSpan.FromMinutes(5));

        var result = await ServiceClaimsLookup.ReadAsync([hanging, Node("node1", Answer)]);

        Assert.Equal("kubectl on node1", result.Source);
        Assert.Empty(result.Failures);
    }

    [Fact]
    public async Task A_node_whose_address_another_node_holds_is_asked_after_every_other()
    {
        // node3 holds node1's address on kube-ipvs0: node1's etcd member is cut off, its API server hangs on a quorum
        // read. Once the local one refused, the next asked is node3, not node1 (here node1 would answer at once).
        var node1 = Scenario.Inventory().FindByName("node1")!.Address;

        var result = await ServiceClaimsLookup.ReadAsync([Node("node1", Answer), Node("node2", Refused, isLocal: true), Node("node3", Answer, onIpvs: node1)]);

        Assert.Equal("kubectl on node3", result.Source);
    }

    [Fact]
    public async Task At_the_owners_console_its_own_API_server_is_asked_last()
    {
        var node1 = Scenario.Inventory().FindByName("node1")!.Address;

        var result = await ServiceClaimsLookup.ReadAsync([Node("node1", Answer, isLocal: true), Node("node2", Answer, onIpvs: node1)]);

        Assert.Equal("kubectl on node2", result.Source);
    }
}
