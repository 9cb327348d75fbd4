namespace Recovery.Kubernetes.Storage;

/// <summary>How kube-apiserver stored a value in etcd.</summary>
internal enum StorageEncoding
{
    /// <summary><c>k8s\0</c> followed by a runtime.Unknown envelope holding the protobuf object.</summary>
    Protobuf,

    /// <summary>A JSON object (starts with <c>{</c>).</summary>
    Json,

    /// <summary>Encrypted at rest (<c>k8s:enc:</c>): recognised and reported, never read or edited.</summary>
    Encrypted,
}
