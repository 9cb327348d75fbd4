namespace Recovery.Kubernetes.Storage;

/// <summary>A discovery/v1 EndpointSlice: which Service it belongs to (label and owner uid).</summary>
internal sealed record EndpointSliceObject(ObjectMeta Metadata)
{
    public const string ServiceNameLabel = "kubernetes.io/service-name";

    public string? ServiceName => Metadata.Labels.GetValueOrDefault(ServiceNameLabel);

    public IEnumerable<string> OwnerUids => Metadata.OwnerReferences.Select(o => o.Uid);
}

/// <summary>A v1 Endpoints object (same key name as its Service).</summary>
internal sealed record EndpointsObject(ObjectMeta Metadata);
