using System.Net;
using Recovery.Access;
using Recovery.Inventory;

namespace Recovery.Tests.Access;

public sealed class FanoutTests
{
    private static List<Node> Nodes(int count) => Enumerable.Range(1, count)
        .Select(i => new Node($"node{i}", IPAddress.Parse($"10.77.0.{i}"), new HashSet<NodeRole>())).ToList();

    [Fact]
    public async Task One_failing_node_does_not_hide_the_others()
    {
        var results = await Fanout.RunAsync(Nodes(5), async (node, ct) =>
        {
            await Task.Yield();
            if (node.Name == "node3") throw new InvalidOperationException("node3 is down");
            return node.Name.ToUpperInvariant();
        }, parallel: 2);
        Assert.Equal(["node1", "node2", "node3", "node4", "node5"], results.Select(r => r.Node.Name));
        Assert.Equal(["NODE1", "NODE2", null, "NODE4", "NODE5"], results.Select(r => r.Value));
        var failed = Assert.Single(results, r => !r.Succeeded);
        Assert.Equal("node3 is down", failed.Error!.Message);
    }

    [Fact]
    public async Task Parallelism_bound_is_respected()
    {
        var running = 0;
        var peak = 0;
        var results = await Fanout.RunAsync(Nodes(12), async (node, ct) =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref peak, now);
            await Task.Delay(30, ct);
            Interlocked.Decrement(ref running);
            return now;
        }, parallel: 3);
        Assert.All(results, r => Assert.True(r.Succeeded));
        Assert.InRange(peak, 1, 3);
    }

    [Fact]
    public async Task Work_runs_in_parallel_up_to_the_bound()
    {
        // Three nodes that each wait for the other two: only completes if all three run at once.
        var barrier = new Barrier(3);
        var results = await Fanout.RunAsync(Nodes(3), (node, ct) => Task.Run(() => barrier.SignalAndWait(TimeSpan.FromSeconds(60), ct), ct), parallel: 3);
        Assert.All(results, r => Assert.True(r.Value));
    }

    [Fact]
    public async Task Cancellation_escapes_as_cancellation()
    {
        using var cts = new CancellationTokenSource();
        var task = Fanout.RunAsync(Nodes(4), async (node, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return 0;
        }, parallel: 2, cts.Token);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
    }

    [Fact]
    public async Task Zero_parallelism_is_refused() =>
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Fanout.RunAsync(Nodes(1), (n, ct) => Task.FromResult(1), parallel: 0));

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
