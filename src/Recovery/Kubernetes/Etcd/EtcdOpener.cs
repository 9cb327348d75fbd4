using Recovery.Access;
using Recovery.Inventory;
using Recovery.Kubernetes.Discovery;

namespace Recovery.Kubernetes.Etcd;

/// <summary>
/// Reaches the cluster's etcd the way an operator would: with the endpoints and files given on the command line,
/// else through a control-plane node, with kube-apiserver's own flags (--etcd-servers, --etcd-cafile, ...) read
/// there, its certificate files read into memory and every endpoint reached through that node (a tunnel). Nodes
/// are tried in order (this node first) until one yields an etcd with a leader.
/// </summary>
internal sealed class EtcdOpener(
    EtcdConnection? given,
    IReadOnlyList<Node> candidates,
    Func<Node, CancellationToken, Task<INodeShell>> connect,
    string? prefix = null)
{
    public async Task<EtcdHandle> OpenAsync(CancellationToken cancellationToken)
    {
        if (given is not null)
        {
            var store = EtcdStore.Connect(given);
            try
            {
                await store.RequireLeaderAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                store.Dispose();
                throw;
            }
            return new EtcdHandle(store, $"etcd at {string.Join(", ", given.Endpoints)} (command line)", () =>
            {
                store.Dispose();
                return ValueTask.CompletedTask;
            });
        }

        var failures = new List<string>();
        foreach (var node in candidates)
        {
            EtcdSession? session = null;
            try
            {
                var shell = await connect(node, cancellationToken).ConfigureAwait(false);
                var settings = await NodeEtcdDiscovery.DiscoverAsync(shell, cancellationToken).ConfigureAwait(false);
                if (prefix is not null) settings = settings with { Prefix = prefix };
                session = await EtcdSession.OpenAsync(shell, settings, cancellationToken).ConfigureAwait(false);
                await session.Store.RequireLeaderAsync(cancellationToken).ConfigureAwait(false);
                var opened = session;
                return new EtcdHandle(opened.Store, $"etcd via {node.Name} ({settings.Source})", opened.DisposeAsync);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                if (session is not null) await session.DisposeAsync().ConfigureAwait(false);
                failures.Add($"{node.Name}: {e.Message}");
            }
        }
        throw new EtcdStoreException(candidates.Count == 0
            ? "no control-plane node to reach etcd through: mark them with roles: [control-plane] in the inventory, or give --etcd-endpoints"
            : "etcd could not be reached: " + string.Join("; ", failures));
    }

    /// <summary>This node first when it is a control-plane node, then the other control-plane nodes, in inventory order.</summary>
    public static IReadOnlyList<Node> Candidates(ClusterInventory inventory, string? localNode) =>
        inventory.Nodes.Where(n => n.IsControlPlane || n.IsEtcd)
            .OrderBy(n => n.Name == localNode ? 0 : 1)
            .ToList();
}
