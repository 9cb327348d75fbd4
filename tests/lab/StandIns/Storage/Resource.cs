namespace Lab.StandIns.Storage;

/// <summary>A REST resource the stand-in serves, and where and how the kube-apiserver stores it in etcd.</summary>
/// <param name="StorageSegment">Key segment after the prefix: "services/specs" for Services, "minions" for Nodes.</param>
internal sealed record Resource(
    string Plural, string Singular, string Kind, string Group, string Version, bool Namespaced,
    string StorageSegment, MessageSchema Schema, string[] ShortNames, bool HasStatus)
{
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    public string Key(string prefix, string? ns, string name) =>
        Namespaced ? $"{prefix}/{StorageSegment}/{ns}/{name}" : $"{prefix}/{StorageSegment}/{name}";

    /// <summary>Range prefix of one namespace (or all, when ns is null), ending in '/'.</summary>
    public string RangePrefix(string prefix, string? ns) =>
        Namespaced && ns is not null ? $"{prefix}/{StorageSegment}/{ns}/" : $"{prefix}/{StorageSegment}/";

    public static readonly Resource Services = new("services", "service", "Service", "", "v1", true,
        "services/specs", KubeSchemas.Service, ["svc"], HasStatus: true);

    public static readonly Resource Endpoints = new("endpoints", "endpoints", "Endpoints", "", "v1", true,
        "services/endpoints", KubeSchemas.Endpoints, ["ep"], HasStatus: false);

    public static readonly Resource Nodes = new("nodes", "node", "Node", "", "v1", false,
        "minions", KubeSchemas.Node, ["no"], HasStatus: true);

    public static readonly Resource EndpointSlices = new("endpointslices", "endpointslice", "EndpointSlice",
        "discovery.k8s.io", "v1", true, "endpointslices", KubeSchemas.EndpointSlice, [], HasStatus: false);

    /// <summary>Not served over HTTP: the allocators' bitmaps, keys /registry/ranges/serviceips and servicenodeports.</summary>
    public static readonly Resource RangeAllocations = new("rangeallocations", "rangeallocation", "RangeAllocation", "", "v1", false,
        "ranges", KubeSchemas.RangeAllocation, [], HasStatus: false);

    /// <summary>The resources served over HTTP.</summary>
    public static readonly IReadOnlyList<Resource> All = [Services, Endpoints, Nodes, EndpointSlices];
}
