using Recovery.Facts;
using Recovery.Inventory;

namespace Recovery.Diagnosis;

/// <summary>Everything a diagnose report shows: the inventory, the facts of the nodes that answered, and the findings.</summary>
internal sealed record DiagnosisReport(ClusterInventory Inventory, IReadOnlyList<NodeFacts> Nodes, Findings Findings)
{
    /// <summary>Addresses that route locally on a node without being its own: every one of them is wrong.</summary>
    public static IEnumerable<RouteLookup> LocalRoutesNotOwned(NodeFacts node) =>
        node.Routes.Where(r => r.IsLocal && !node.OwnAddresses.Contains(r.Destination));

    /// <summary>The manager's name (<see cref="KubeProxyManagerNames"/>), "not found", or "unknown" when the reads that could show it did not answer.</summary>
    public static string ManagerName(KubeProxyFacts kubeProxy) => kubeProxy.Detection switch
    {
        KubeProxyDetectionState.Found => KubeProxyManagerNames.Of(kubeProxy.Manager!.Value),
        KubeProxyDetectionState.Unknown => UnknownManager,
        _ => NoManager,
    };

    public const string NoManager = "not found";

    public const string UnknownManager = "unknown";
}
