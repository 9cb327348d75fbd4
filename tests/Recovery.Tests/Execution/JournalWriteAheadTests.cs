using Recovery.Access;
using Recovery.Execution;
using Recovery.Inventory;
using Recovery.Planning;
using static Recovery.Tests.Planning.Cluster;

namespace Recovery.Tests.Execution;

/// <summary>
/// Write-ahead: a step acts only after its start is on disk. When the journal's disk fills up partway through a run,
/// the runner starts no further step on any node (so nothing acts unrecorded) and stops resumable (exit 4).
/// </summary>
public sealed class JournalWriteAheadTests : IDisposable
{
    private readonly string stateDir = Directory.CreateTempSubdirectory("kr-wal-").FullName;

    public void Dispose() => Directory.Delete(stateDir, recursive: true);

    [Fact]
    public async Task A_journal_that_fills_up_stops_the_run_before_the_next_mutation()
    {
        var cluster = FakeCluster.Seed(Seed(), Node1);
        var plan = Planner.Create(Seed(), SeedFacts(), Intent() with { SyncPeriod = TimeSpan.FromMilliseconds(100) }, "node2", Created);
        var disk = new FillingStream();
        // The disk fills up right after the local node's kube-proxy was stopped, before that step's result is written.
        cluster.AfterCommand = (node, command) =>
        {
            if (node == "node2" && command == "systemctl stop kube-proxy.service") disk.Full = true;
        };
        using var journal = new Journal(stateDir, disk);
        var runner = new Runner(new RunnerOptions(stateDir, Parallel: 2), Seed(), (node, _) => Task.FromResult<INodeShell>(new FakeShell(cluster, node, node.Name == "node2")));

        var result = await runner.RunAsync(plan, journal);

        Assert.Equal(ExitCodes.StoppedPartway, result.ExitCode);
        Assert.Contains("the journal could not be written", result.StoppedBecause, StringComparison.Ordinal);
        Assert.Contains("No space left on device", result.StoppedBecause, StringComparison.Ordinal);
        // Nothing acted after the journal was lost: the other nodes' kube-proxy runs, no address was removed.
        Assert.True(cluster.Nodes["node1"].ProxyRunning);
        Assert.True(cluster.Nodes["node3"].ProxyRunning);
        Assert.DoesNotContain(cluster.Log, e => e.Command.StartsWith("ip addr del", StringComparison.Ordinal));
        Assert.All(result.Outcomes.Where(o => o.Phase > PhaseKind.Contain), o => Assert.Equal(StepStatus.NotRun, o.Status));
        var node1 = result.Outcomes.Single(o => o.StepId == "contain/node1/stop-kube-proxy");
        Assert.Equal(StepStatus.NotRun, node1.Status);
        Assert.StartsWith("not started: the journal", node1.Detail, StringComparison.Ordinal);
        // The stop that did happen is recorded on its node: a later run (fresh or --resume) starts it again.
        Assert.NotNull(cluster.Nodes["node2"].StopMarker);
        Assert.Empty(cluster.Violations);
    }

    [Fact]
    public async Task A_seed_recovery_records_every_stop_on_its_node_first_and_clears_it_once_kube_proxy_runs()
    {
        var cluster = FakeCluster.Seed(Seed(), Node1);
        var plan = Planner.Create(Seed(), SeedFacts(), Intent() with { SyncPeriod = TimeSpan.FromMilliseconds(100) }, "node2", Created);
        using var journal = Journal.Start(Path.Combine(stateDir, "run"), plan);
        var runner = new Runner(new RunnerOptions(Path.Combine(stateDir, "run"), Parallel: 2), Seed(), (node, _) => Task.FromResult<INodeShell>(new FakeShell(cluster, node, node.Name == "node2")));

        var result = await runner.RunAsync(plan, journal);

        Assert.Equal(ExitCodes.Done, result.ExitCode);
        Assert.True(cluster.Violations.Count == 0, string.Join("\n", cluster.Violations));
        Assert.All(cluster.Nodes.Values, n => Assert.Null(n.StopMarker));
        foreach (var node in cluster.Nodes.Keys)
        {
            long Tick(string text) => cluster.Log.First(e => e.Node == node && e.Command.StartsWith(text, StringComparison.Ordinal)).Tick;
            Assert.True(Tick("sh -c") < Tick("systemctl stop"), node);
            Assert.True(Tick("systemctl start") < Tick("rm -f"), node);
        }
    }

    /// <summary>A journal device that fills up on demand: every write then fails as a full disk does.</summary>
    private sealed class FillingStream : MemoryStream
    {
        public volatile bool Full;

        public override void Write(byte[] buffer, int offset, int count)
        {
            ThrowIfFull();
            base.Write(buffer, offset, count);
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            ThrowIfFull();
            base.Write(buffer);
        }

        public override void WriteByte(byte value)
        {
            ThrowIfFull();
            base.WriteByte(value);
        }

        private void ThrowIfFull()
        {
            if (Full) throw new IOException("No space left on device : 'journal.jsonl'");
        }
    }
}
