namespace Recovery.Facts;

/// <summary>Whether the probe found how kube-proxy runs on a node, saw that nothing runs it, or could not tell.</summary>
internal enum KubeProxyDetectionState
{
    /// <summary>A manager (systemd, k3s, static pod, container, or the inventory's) was found.</summary>
    Found,

    /// <summary>Every read answered and none shows a manager.</summary>
    Absent,

    /// <summary>A read that could have shown the manager did not answer: never treated as absent.</summary>
    Unknown,
}
