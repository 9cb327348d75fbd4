using System.Net;
using Recovery.Access;
using Recovery.Diagnosis;
using Recovery.Facts;
using Recovery.Inventory;

namespace Recovery.Tests.Facts;

/// <summary>
/// The owner's TCP checks towards the nodes that hijack its address get no answer: the replies stay on those nodes.
/// Once a survey has read those nodes' facts, the checks stop waiting (the floor of every diagnose at a locked-out
/// cluster was their 3 s limit) and say why; a check towards a node that does not hijack the address still waits.
/// </summary>
public sealed class HijackSightingsTests
{
    private static readonly IPAddress Node1 = IPAddress.Parse("10.77.0.11");

    [Fact]
    public async Task The_owners_checks_towards_the_hijacking_nodes_stop_waiting_once_their_facts_are_read()
    {
        var inventory = Scenario.Inventory();
        // node1's checks towards node2 and node3 hang as a SYN whose SYN-ACK never comes back does, until stopped.
        var node1 = new HangingShell(Scenario.Shell(inventory, "seed", "node1"), text => text.Contains("/dev/tcp/10.77.0.12/", StringComparison.Ordinal)
            || text.Contains("/dev/tcp/10.77.0.13/", StringComparison.Ordinal));
        var sightings = new HijackSightings();
        var probe = new NodeProbe(inventory, sightings: sightings);

        var facts = await Task.WhenAll(probe.ProbeAsync(node1), probe.ProbeAsync(Scenario.Shell(inventory, "seed", "node2")),
            probe.ProbeAsync(Scenario.Shell(inventory, "seed", "node3"))).WaitAsync(TimeSpan.FromSeconds(30));

        var across = facts[0].Reach.Where(r => r.TargetNode != "node1").ToList();
        Assert.Equal(4, across.Count);
        Assert.All(across, r => Assert.Equal((false, true, NodeProbe.NotWaited), (r.Reachable, r.Unknown, r.Detail)));
        Assert.Equal(4, node1.Stopped);
        var finding = Assert.Single(Diagnoser.Diagnose(inventory, facts, [], []).Hijacked);
        Assert.Contains(finding.BrokenReach, b => b is { FromNode: "node1", ToNode: "node2", Port: NodeProbe.EtcdPort }
            && b.Detail == $"{NodeProbe.NotWaited}: its replies to {Node1} stay on node2");
    }

    [Fact]
    public async Task A_check_towards_a_node_that_does_not_hijack_this_nodes_address_waits_for_its_answer()
    {
        var inventory = Scenario.Inventory();
        // node1 holds no address on kube-ipvs0 in the seed: node2's checks towards it are answered late, and kept.
        var node2 = new HangingShell(Scenario.Shell(inventory, "seed", "node2"), text => text.Contains("/dev/tcp/10.77.0.11/", StringComparison.Ordinal))
        {
            AnswerAfter = TimeSpan.FromMilliseconds(500),
        };
        var sightings = new HijackSightings();
        var probe = new NodeProbe(inventory, sightings: sightings);

        var facts = await Task.WhenAll(probe.ProbeAsync(Scenario.Shell(inventory, "seed", "node1")), probe.ProbeAsync(node2));

        var towardsNode1 = facts[1].Reach.Where(r => r.TargetNode == "node1").ToList();
        Assert.Equal(2, towardsNode1.Count);
        Assert.All(towardsNode1, r => Assert.NotEqual(NodeProbe.NotWaited, r.Detail));
        Assert.Contains(towardsNode1, r => r.Reachable); // the captured answer: node2's own API server through the hijack
        Assert.Equal(0, node2.Stopped);
    }

    [Fact]
    public async Task Without_the_hijacking_nodes_facts_the_check_waits_for_its_own_answer()
    {
        var inventory = Scenario.Inventory();
        // node2 and node3 were never read (their probes failed): nothing explains node1's silence, so it is waited out.
        var node1 = new HangingShell(Scenario.Shell(inventory, "seed", "node1"), text => text.Contains("/dev/tcp/10.77.0.12/", StringComparison.Ordinal))
        {
            AnswerAfter = TimeSpan.FromMilliseconds(300),
        };

        var facts = await new NodeProbe(inventory, sightings: new HijackSightings()).ProbeAsync(node1);

        var waitedOut = await new NodeProbe(inventory).ProbeAsync(Scenario.Shell(inventory, "seed", "node1"));
        Assert.Equal(waitedOut.Reach, facts.Reach);
        Assert.DoesNotContain(facts.Reach, r => r.Detail == NodeProbe.NotWaited);
        Assert.Equal(0, node1.Stopped);
    }

    /// <summary>
    /// TEST DOUBLE: the commands the test picks answer only after <see cref="AnswerAfter"/> (never, by default) unless
    /// they are stopped first; the others are answered by the inner shell.
    /// </summary>
    private sealed class HangingShell(INodeShell inner, Func<string, bool> hangs) : INodeShell
    {
        private int _stopped;

        public TimeSpan AnswerAfter { get; init; } = Timeout.InfiniteTimeSpan;

        /// <summary>How many hanging commands were stopped by their caller.</summary>
        public int Stopped => _stopped;

        public Node Node => inner.Node;

        public bool IsLocal => inner.IsLocal;

        public string Way => inner.Way;

        public async Task<CommandResult> RunAsync(ShellCommand command, TimeSpan timeout, CancellationToken cancellationToken = default)
        {
            if (!hangs(command.Render())) return await inner.RunAsync(command, timeout, cancellationToken);
            try
            {
                await Task.Delay(AnswerAfter, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                Interlocked.Increment(ref _stopped);
                throw;
            }
            return await inner.RunAsync(command, timeout, cancellationToken);
        }

        public Task<byte[]> ReadFileAsync(string path, CancellationToken cancellationToken = default) => inner.ReadFileAsync(path, cancellationToken);

        public Task<INodeTunnel> OpenTunnelAsync(string host, int port, CancellationToken cancellationToken = default) => inner.OpenTunnelAsync(host, port, cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
