namespace Recovery.Kubernetes.Etcd;

/// <summary>An open <see cref="EtcdStore"/>, how it was reached (for the report), and what to close with it.</summary>
internal sealed class EtcdHandle(EtcdStore store, string source, Func<ValueTask> close) : IAsyncDisposable
{
    public EtcdStore Store { get; } = store;

    /// <summary>e.g. "etcd via node2 (kube-apiserver manifest /etc/kubernetes/manifests/kube-apiserver.yaml)".</summary>
    public string Source { get; } = source;

    public ValueTask DisposeAsync() => close();
}
