namespace Recovery.Kubernetes.Discovery;

/// <summary>
/// No inventory was given and none could be discovered here: the message says what was tried (each source and why
/// it failed) and shows the inventory to write instead. Nothing has been touched (exit 2).
/// </summary>
internal sealed class InventoryDiscoveryException(IReadOnlyList<string> tried, string hostname) : Exception(Describe(tried, hostname))
{
    public IReadOnlyList<string> Tried { get; } = tried;

    internal static string Describe(IReadOnlyList<string> tried, string hostname)
    {
        var name = Inventory.NodeNames.IsValid(hostname) ? hostname : "node1";
        return "no inventory given (-i FILE or --node), and none could be discovered on this node:\n"
            + string.Concat(tried.Select(t => $"  - {t}\n"))
            + "Write the nodes into a file (one line per node; roles only where they apply) and pass it with -i FILE:\n"
            + "    nodes:\n"
            + $"      - {{ name: {name}, address: 10.0.0.211, roles: [control-plane, etcd] }}\n"
            + $"or name each node on the command line: --node {name}=10.0.0.211,control-plane,etcd";
    }
}
