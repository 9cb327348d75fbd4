using Recovery.Kubernetes.Storage;

namespace Recovery.Kubernetes.Etcd;

/// <summary>
/// A Service and the keys that belong to it, as read at one moment: its Endpoints (same name) and the
/// EndpointSlices that carry its service-name label and are owned by its uid.
/// </summary>
internal sealed record ServiceObjects(ServiceRef Ref, ServiceObject Service, StoredKey ServiceKey, StoredKey? EndpointsKey, IReadOnlyList<StoredKey> EndpointSliceKeys)
{
    /// <summary>Every key a delete removes, the Service first.</summary>
    public IReadOnlyList<StoredKey> AllKeys => [ServiceKey, .. EndpointsKey is null ? [] : new[] { EndpointsKey }, .. EndpointSliceKeys];
}
