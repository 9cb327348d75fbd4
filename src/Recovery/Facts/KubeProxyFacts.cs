using Recovery.Inventory;

namespace Recovery.Facts;

/// <summary>
/// How kube-proxy runs on a node and in which mode. <see cref="Manager"/> null: not found on this node, unless
/// <see cref="Unknown"/> says the reads that could have found it did not answer.
/// </summary>
/// <param name="Mode">"ipvs", "iptables", "nftables", or "unknown".</param>
/// <param name="Unit">systemd unit (systemd, k3s).</param>
/// <param name="ManifestPath">static pod manifest path.</param>
/// <param name="ContainerId">container of the DaemonSet pod (docker or containerd via crictl).</param>
/// <param name="CustomStop">custom stop argv from the inventory.</param>
/// <param name="CustomStart">custom start argv from the inventory.</param>
internal sealed record KubeProxyFacts(
    KubeProxyManager? Manager,
    bool Running,
    string Mode,
    string? Unit = null,
    string? ManifestPath = null,
    string? ContainerId = null,
    IReadOnlyList<string>? CustomStop = null,
    IReadOnlyList<string>? CustomStart = null)
{
    /// <summary>Where <see cref="Mode"/> was read: "/proxyMode", "--proxy-mode", a config file path, or null when unknown.</summary>
    public string? ModeSource { get; init; }

    /// <summary>The kube-proxy process (or k3s process) found on the node.</summary>
    public int? Pid { get; init; }

    /// <summary>kube-proxy's --config file, as the process sees it.</summary>
    public string? ConfigPath { get; init; }

    /// <summary>kube-proxy's sync period (`ipvs.syncPeriod` of its config), when it could be read.</summary>
    public TimeSpan? SyncPeriod { get; init; }

    /// <summary>Its static pod manifest is where kube-recover sets it aside: an earlier run stopped it and owes it a start.</summary>
    public bool SetAsideByTool { get; init; }

    /// <summary>The node's record that an earlier kube-recover run stopped kube-proxy (<see cref="StopMarker"/>): owed a start.</summary>
    public StopMarker? StoppedBy { get; init; }

    public bool StoppedByTool => StoppedBy is not null;

    /// <summary>Why how kube-proxy runs here is unknown (reads that did not answer); null when the reads answered.</summary>
    public string? Unknown { get; init; }

    public KubeProxyDetectionState Detection => Manager is not null ? KubeProxyDetectionState.Found
        : Unknown is not null ? KubeProxyDetectionState.Unknown
        : KubeProxyDetectionState.Absent;

    public bool IsIpvs => Mode == "ipvs";
}
