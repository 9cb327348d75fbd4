using System.Net;

namespace Recovery.Prevention.Audit;

/// <summary>Everything audit read from the cluster, and how each read ended (<see cref="Sources"/>).</summary>
internal sealed record ClusterReading(
    IReadOnlyList<NodeAddress> Nodes,
    IReadOnlyList<ServiceAddresses> Services,
    IReadOnlyList<IPAddress> ApiEndpoints,
    string? KubeconfigServer,
    IReadOnlyList<PoolEntry> Pools,
    ProxyModeReading ProxyMode,
    IReadOnlyList<SourceStatus> Sources);

/// <summary>kube-proxy's mode and where it came from; Mode is null when no source answered.</summary>
internal sealed record ProxyModeReading(string? Mode, string Source);
