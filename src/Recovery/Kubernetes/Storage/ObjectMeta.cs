namespace Recovery.Kubernetes.Storage;

/// <summary>The parts of a stored object's metadata kube-recover needs.</summary>
internal sealed record ObjectMeta(
    string Name,
    string Namespace,
    string Uid,
    string GenerateName,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyList<OwnerReference> OwnerReferences)
{
    /// <summary>metadata.annotations: Helm, Argo CD and MetalLB mark the Services they manage there (<see cref="ClaimOwner"/>).</summary>
    public IReadOnlyDictionary<string, string> Annotations { get; init; } = new Dictionary<string, string>();
}

/// <summary>metadata.ownerReferences[]: who owns the object (EndpointSlices point at their Service's uid).</summary>
internal sealed record OwnerReference(string ApiVersion, string Kind, string Name, string Uid, bool Controller, bool BlockOwnerDeletion);
