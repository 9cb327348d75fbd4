using System.Collections.Concurrent;
using System.Net;

namespace Recovery.Facts;

/// <summary>
/// One survey's nodes' facts as each comes in, before its TCP checks end. A node that hijacks another's address
/// keeps its replies to that address: the other node's TCP checks towards it can only wait out their whole limit
/// (3 s, the floor of every diagnose at a locked-out cluster), so they stop waiting once this is seen
/// (<see cref="HijacksAsync"/>) and say so; the finding names the hijack that explains them.
/// </summary>
internal sealed class HijackSightings
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<NodeFacts>> _facts = new(StringComparer.Ordinal);

    /// <summary>A node's facts are read (its TCP checks may still be running).</summary>
    public void Seen(NodeFacts facts) => Slot(facts.NodeName).TrySetResult(facts);

    /// <summary>Once <paramref name="node"/>'s facts are read: whether it hijacks <paramref name="address"/>.</summary>
    public async Task<bool> HijacksAsync(string node, IPAddress address, CancellationToken cancellationToken) =>
        (await Slot(node).Task.WaitAsync(cancellationToken).ConfigureAwait(false)).Hijacks(address);

    private TaskCompletionSource<NodeFacts> Slot(string node) =>
        _facts.GetOrAdd(node, _ => new TaskCompletionSource<NodeFacts>(TaskCreationOptions.RunContinuationsAsynchronously));
}
