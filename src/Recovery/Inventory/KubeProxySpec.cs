namespace Recovery.Inventory;

/// <summary>How kube-proxy is run on a node, when the operator says so instead of letting diagnose find it.</summary>
/// <param name="Stop">argv of the stop command, for <see cref="KubeProxyManager.Custom"/> only.</param>
/// <param name="Start">argv of the start command, for <see cref="KubeProxyManager.Custom"/> only.</param>
internal sealed record KubeProxySpec(KubeProxyManager Manager, IReadOnlyList<string>? Stop = null, IReadOnlyList<string>? Start = null);

internal enum KubeProxyManager
{
    Systemd,
    StaticPod,
    Docker,
    Containerd,
    K3s,
    Custom,
}
