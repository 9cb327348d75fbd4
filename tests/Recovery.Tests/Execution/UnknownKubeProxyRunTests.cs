using Recovery.Execution;
using Recovery.Facts;
using Recovery.Inventory;
using Recovery.Planning;
using static Recovery.Tests.Planning.Cluster;

namespace Recovery.Tests.Execution;

/// <summary>
/// The hold of a node whose kube-proxy is unknown (issue 16), run against the fake cluster: the run stops before the
/// Service fix and starts nothing, and continues once the node was settled at its console.
/// </summary>
public sealed class UnknownKubeProxyRunTests : IDisposable
{
    private readonly string stateDir = Path.Combine(Path.GetTempPath(), $"kr-unknown-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(stateDir)) Directory.Delete(stateDir, recursive: true);
    }

    private static Plan HeldPlan() => Planner.Create(Seed(), SeedFacts().Select(f => f.NodeName == "node3"
            ? f with { KubeProxy = new KubeProxyFacts(null, false, "unknown") { Unknown = "systemctl show: no answer" } }
            : f).ToList(),
        Intent() with { SyncPeriod = TimeSpan.FromMilliseconds(100) }, "node2", Created);

    private async Task<RunResult> RunAsync(Plan plan, FakeCluster cluster, bool resume = false)
    {
        using var journal = resume ? Journal.Resume(stateDir, Seed(), out _) : Journal.Start(stateDir, plan);
        var runner = new Runner(new RunnerOptions(stateDir, Parallel: 2), Seed(),
            (node, _) => Task.FromResult<Recovery.Access.INodeShell>(new FakeShell(cluster, node, node.Name == "node2")));
        return await runner.RunAsync(plan, journal, null, CancellationToken.None);
    }

    [Fact]
    public async Task The_run_stops_before_the_service_fix_and_starts_nothing()
    {
        var cluster = FakeCluster.Seed(Seed(), Node1);

        var result = await RunAsync(HeldPlan(), cluster);

        Assert.Equal(ExitCodes.StoppedPartway, result.ExitCode);
        Assert.Equal(StepStatus.Failed, result.Outcomes.Single(o => o.StepId == "reach/node3/kube-proxy-unknown").Status);
        Assert.All(result.Outcomes.Where(o => o.StepId.StartsWith("fix-object/", StringComparison.Ordinal) || o.StepId.StartsWith("restore/", StringComparison.Ordinal)),
            o => Assert.Equal(StepStatus.NotRun, o.Status));
        Assert.Contains(cluster.Services, s => s.Name == "nginx-service");
        Assert.False(cluster.Nodes["node1"].ProxyRunning); // stopped by Contain, and not started while the Service still claims the address
        Assert.True(cluster.Nodes["node3"].ProxyRunning);
        Assert.Empty(cluster.Violations);
    }

    [Fact]
    public async Task Once_the_node_is_settled_at_its_console_resume_finishes_the_recovery()
    {
        var cluster = FakeCluster.Seed(Seed(), Node1);
        var plan = HeldPlan();
        await RunAsync(plan, cluster);

        // What the warning tells the operator to do at node3's console.
        cluster.Nodes["node3"].ProxyRunning = false;
        cluster.Nodes["node3"].Ipvs.Remove(Node1);
        var result = await RunAsync(plan, cluster, resume: true);

        Assert.True(result.ExitCode == ExitCodes.Done, string.Join("\n", result.Outcomes.Where(o => o.Status == StepStatus.Failed).Select(o => $"{o.StepId} {o.Detail}")));
        Assert.DoesNotContain(cluster.Services, s => s.Name == "nginx-service");
        Assert.True(cluster.Nodes["node1"].ProxyRunning);
        Assert.Empty(cluster.Violations);
    }
}
