using System.Diagnostics;
using System.Net;
using Recovery.Access;
using Recovery.Execution;
using Recovery.Facts;
using Recovery.Inventory;
using Recovery.Planning;
using Xunit.Abstractions;
using static Recovery.Tests.Planning.Cluster;

namespace Recovery.Tests.Execution;

public sealed class RunnerScaleTests(ITestOutputHelper output) : IDisposable
{
    private readonly string stateDir = Path.Combine(Path.GetTempPath(), $"kr-scale-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(stateDir)) Directory.Delete(stateDir, recursive: true);
    }

    [Fact]
    public async Task Thirty_nodes_run_in_parallel_within_the_bound_and_end_healthy()
    {
        // 30 nodes, the first three control plane; node1's address hijacked everywhere; every command takes 20 ms.
        var nodes = Enumerable.Range(1, 30).Select(i => new Node($"node{i}", IPAddress.Parse($"10.0.0.{i}"), i <= 3 ? Masters : new HashSet<NodeRole>())).ToList();
        var inventory = InventoryOf([.. nodes]);
        var owner = nodes[0].Address;
        var facts = nodes.Select(n => FactsOf(n.Name, n.Address, Systemd(), [owner])).ToList();
        var plan = Planner.Create(inventory, facts, Intent(addresses: owner) with { SyncPeriod = TimeSpan.FromMilliseconds(100) }, "node2", Created);
        var cluster = FakeCluster.Seed(inventory, owner);
        cluster.CommandDelay = TimeSpan.FromMilliseconds(20);

        const int parallel = 8;
        var clock = Stopwatch.StartNew();
        RunResult result;
        using (var journal = Journal.Start(stateDir, plan))
        {
            var runner = new Runner(new RunnerOptions(stateDir, parallel), inventory,
                (node, _) => Task.FromResult<INodeShell>(new FakeShell(cluster, node, node.Name == "node2")));
            result = await runner.RunAsync(plan, journal);
        }
        clock.Stop();

        Assert.True(result.ExitCode == 0, RunReport.Table(result));
        Assert.True(cluster.Violations.Count == 0, string.Join("\n", cluster.Violations));
        Assert.All(cluster.Nodes.Values, n => Assert.DoesNotContain(owner, n.Ipvs));
        Assert.InRange(cluster.MaxInFlight, 2, parallel);
        var sequential = cluster.Log.Count * cluster.CommandDelay;
        output.WriteLine($"30 nodes, {plan.Steps.Count()} steps, {cluster.Log.Count} commands: {clock.Elapsed.TotalSeconds:0.0} s with --parallel {parallel} " +
                         $"(at least {sequential.TotalSeconds:0.0} s one command at a time); at most {cluster.MaxInFlight} commands at once");
    }
}
