using Recovery.Inventory;

namespace Recovery.Facts;

/// <summary>How kube-proxy runs on a node and in which mode. <see cref="Manager"/> null: not found on this node.</summary>
/// <param name="Mode">"ipvs", "iptables", "nftables", or "unknown".</param>
/// <param name="Unit">systemd unit (systemd, k3s).</param>
/// <param name="ManifestPath">static pod manifest path.</param>
/// <param name="ContainerId">container of the DaemonSet pod (docker or containerd via crictl).</param>
/// <param name="CustomStop">custom stop argv from the inventory.</param>
/// <param name="CustomStart">custom start argv from the inventory.</param>
public sealed record KubeProxyFacts(
    KubeProxyManager? Manager,
    bool Running,
    string Mode,
    string? Unit = null,
    string? ManifestPath = null,
    string? ContainerId = null,
    IReadOnlyList<string>? CustomStop = null,
    IReadOnlyList<string>? CustomStart = null);
