using System.Collections.Concurrent;
using Recovery.Access;
using Recovery.Inventory;

namespace Recovery.Execution;

/// <summary>
/// The shells of one run: each node connected once (retried on the next ask while it does not answer), all
/// disposed when the run ends. <paramref name="reached"/> hears of each node's first shell (to journal how it was reached).
/// </summary>
internal sealed class NodeShells(ClusterInventory inventory, Func<Node, CancellationToken, Task<INodeShell>> connect, Action<INodeShell>? reached = null) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, INodeShell> shells = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> unreachable = new(StringComparer.Ordinal);

    /// <summary>Why the node did not answer on its last try.</summary>
    public string WhyUnreachable(string node) => unreachable.GetValueOrDefault(node, "not connected");

    /// <returns>null when the node does not answer (see <see cref="WhyUnreachable"/>).</returns>
    public async Task<INodeShell?> ConnectAsync(string name, CancellationToken cancellationToken)
    {
        if (shells.TryGetValue(name, out var shell)) return shell;
        var node = inventory.FindByName(name);
        if (node is null)
        {
            unreachable[name] = "not in the inventory";
            return null;
        }
        try
        {
            shell = await connect(node, cancellationToken).ConfigureAwait(false);
            if (shells.TryAdd(name, shell)) reached?.Invoke(shell);
            unreachable.TryRemove(name, out _);
            return shell;
        }
        catch (Exception e)
        {
            unreachable[name] = e is OperationCanceledException ? "interrupted while connecting" : e.Message;
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var shell in shells.Values)
        {
            await shell.DisposeAsync().ConfigureAwait(false);
        }
    }
}
