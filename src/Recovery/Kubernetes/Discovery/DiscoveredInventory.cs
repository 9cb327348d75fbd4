using Recovery.Inventory;

namespace Recovery.Kubernetes.Discovery;

/// <summary>An inventory found on this node, and where each part of it came from (one line each, for the log).</summary>
internal sealed record DiscoveredInventory(ClusterInventory Inventory, IReadOnlyList<string> Sources);
