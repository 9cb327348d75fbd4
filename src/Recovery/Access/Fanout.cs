using Recovery.Inventory;

namespace Recovery.Access;

/// <summary>The outcome of one node's share of a fan-out: a value, or the error that stopped it.</summary>
internal sealed record NodeResult<T>(Node Node, T? Value, Exception? Error, TimeSpan Elapsed)
{
    public bool Succeeded => Error is null;
}

/// <summary>
/// Runs one piece of work per node with at most <c>parallel</c> at a time and collects every node's outcome,
/// so one unreachable or failing node never hides the others' results. Cancellation stops new work and is
/// passed to the running work; it is the only exception that escapes.
/// </summary>
internal static class Fanout
{
    public const int DefaultParallel = 16;

    public static async Task<IReadOnlyList<NodeResult<T>>> RunAsync<T>(
        IEnumerable<Node> nodes,
        Func<Node, CancellationToken, Task<T>> work,
        int parallel = DefaultParallel,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parallel, 1);
        var list = nodes.ToList();
        var results = new NodeResult<T>[list.Count];
        using var gate = new SemaphoreSlim(parallel);
        var tasks = list.Select(async (node, index) =>
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            var started = System.Diagnostics.Stopwatch.StartNew();
            try
            {
                var value = await work(node, cancellationToken).ConfigureAwait(false);
                results[index] = new NodeResult<T>(node, value, null, started.Elapsed);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception e)
            {
                results[index] = new NodeResult<T>(node, default, e, started.Elapsed);
            }
            finally
            {
                gate.Release();
            }
        }).ToList();
        await Task.WhenAll(tasks).ConfigureAwait(false);
        return results;
    }
}
