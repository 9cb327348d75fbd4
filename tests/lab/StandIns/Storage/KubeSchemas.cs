using static Lab.StandIns.Storage.F;

namespace Lab.StandIns.Storage;

/// <summary>
/// The subset of k8s.io/api (core/v1, discovery/v1) and apimachinery meta/v1 the lab stores, with the field
/// numbers and Go field shapes of upstream generated.proto / types.go. Fields not listed here are kept as
/// opaque bytes when read from etcd (see <see cref="ProtoJson"/>), never dropped.
/// </summary>
internal static class KubeSchemas
{
    public static readonly MessageSchema OwnerReference = new("OwnerReference",
        Str(1, "kind", omitEmpty: false), Str(3, "name", omitEmpty: false), Str(4, "uid", omitEmpty: false),
        Str(5, "apiVersion", omitEmpty: false), BoolPtr(6, "controller"), BoolPtr(7, "blockOwnerDeletion"));

    public static readonly MessageSchema ManagedFieldsEntry = new("ManagedFieldsEntry",
        Str(1, "manager"), Str(2, "operation"), Str(3, "apiVersion"), TimePtr(4, "time"), Str(6, "fieldsType"),
        RawJsonPtr(7, "fieldsV1"));

    public static readonly MessageSchema ObjectMeta = new("ObjectMeta",
        Str(1, "name"), Str(2, "generateName"), Str(3, "namespace"), Str(4, "selfLink"), Str(5, "uid"),
        Str(6, "resourceVersion"), I64(7, "generation"), Time(8, "creationTimestamp"), TimePtr(9, "deletionTimestamp"),
        I64Ptr(10, "deletionGracePeriodSeconds"), Map(11, "labels"), Map(12, "annotations"),
        Msgs(13, "ownerReferences", OwnerReference), Strs(14, "finalizers"), Msgs(17, "managedFields", ManagedFieldsEntry));

    public static readonly MessageSchema Condition = new("Condition",
        Str(1, "type", omitEmpty: false), Str(2, "status", omitEmpty: false), I64(3, "observedGeneration"),
        Time(4, "lastTransitionTime"), Str(5, "reason", omitEmpty: false), Str(6, "message", omitEmpty: false));

    public static readonly MessageSchema ObjectReference = new("ObjectReference",
        Str(1, "kind"), Str(2, "namespace"), Str(3, "name"), Str(4, "uid"), Str(5, "apiVersion"),
        Str(6, "resourceVersion"), Str(7, "fieldPath"));

    // ---- core/v1 Service

    public static readonly MessageSchema ServicePort = new("ServicePort",
        Str(1, "name"), Str(2, "protocol"), I32(3, "port", omitEmpty: false), IntOrStr(4, "targetPort"),
        I32(5, "nodePort"), StrPtr(6, "appProtocol"));

    public static readonly MessageSchema ClientIPConfig = new("ClientIPConfig", I32Ptr(1, "timeoutSeconds"));

    public static readonly MessageSchema SessionAffinityConfig = new("SessionAffinityConfig",
        MsgPtr(1, "clientIP", ClientIPConfig));

    public static readonly MessageSchema ServiceSpec = new("ServiceSpec",
        Msgs(1, "ports", ServicePort), Map(2, "selector"), Str(3, "clusterIP"), Str(4, "type"),
        Strs(5, "externalIPs"), Str(7, "sessionAffinity"), Str(8, "loadBalancerIP"),
        Strs(9, "loadBalancerSourceRanges"), Str(10, "externalName"), Str(11, "externalTrafficPolicy"),
        I32(12, "healthCheckNodePort"), Bool(13, "publishNotReadyAddresses"),
        MsgPtr(14, "sessionAffinityConfig", SessionAffinityConfig), Strs(16, "topologyKeys"),
        StrPtr(17, "ipFamilyPolicy"), Strs(18, "clusterIPs"), Strs(19, "ipFamilies"),
        BoolPtr(20, "allocateLoadBalancerNodePorts"), StrPtr(21, "loadBalancerClass"),
        StrPtr(22, "internalTrafficPolicy"), StrPtr(23, "trafficDistribution"));

    public static readonly MessageSchema PortStatus = new("PortStatus",
        I32(1, "port", omitEmpty: false), Str(2, "protocol", omitEmpty: false), StrPtr(3, "error"));

    public static readonly MessageSchema LoadBalancerIngress = new("LoadBalancerIngress",
        Str(1, "ip"), Str(2, "hostname"), StrPtr(3, "ipMode"), Msgs(4, "ports", PortStatus));

    public static readonly MessageSchema LoadBalancerStatus = new("LoadBalancerStatus",
        Msgs(1, "ingress", LoadBalancerIngress));

    public static readonly MessageSchema ServiceStatus = new("ServiceStatus",
        Msg(1, "loadBalancer", LoadBalancerStatus), Msgs(2, "conditions", Condition));

    public static readonly MessageSchema Service = new("Service",
        Msg(1, "metadata", ObjectMeta), Msg(2, "spec", ServiceSpec), Msg(3, "status", ServiceStatus));

    // ---- core/v1 Endpoints
    public static readonly MessageSchema EndpointAddress = new("EndpointAddress",
        Str(1, "ip", omitEmpty: false), MsgPtr(2, "targetRef", ObjectReference), Str(3, "hostname"),
        StrPtr(4, "nodeName"));

    public static readonly MessageSchema CoreEndpointPort = new("EndpointPort",
        Str(1, "name"), I32(2, "port", omitEmpty: false), Str(3, "protocol"), StrPtr(4, "appProtocol"));

    public static readonly MessageSchema EndpointSubset = new("EndpointSubset",
        Msgs(1, "addresses", EndpointAddress), Msgs(2, "notReadyAddresses", EndpointAddress),
        Msgs(3, "ports", CoreEndpointPort));

    public static readonly MessageSchema Endpoints = new("Endpoints",
        Msg(1, "metadata", ObjectMeta), Msgs(2, "subsets", EndpointSubset));

    // ---- discovery/v1 EndpointSlice
    public static readonly MessageSchema EndpointConditions = new("EndpointConditions",
        BoolPtr(1, "ready"), BoolPtr(2, "serving"), BoolPtr(3, "terminating"));

    public static readonly MessageSchema ForZone = new("ForZone", Str(1, "name", omitEmpty: false));

    public static readonly MessageSchema EndpointHints = new("EndpointHints", Msgs(1, "forZones", ForZone));

    public static readonly MessageSchema Endpoint = new("Endpoint",
        Strs(1, "addresses", omitEmpty: false), Msg(2, "conditions", EndpointConditions), StrPtr(3, "hostname"),
        MsgPtr(4, "targetRef", ObjectReference), Map(5, "deprecatedTopology"), StrPtr(6, "nodeName"),
        StrPtr(7, "zone"), MsgPtr(8, "hints", EndpointHints));

    public static readonly MessageSchema SliceEndpointPort = new("EndpointPort",
        StrPtr(1, "name"), StrPtr(2, "protocol"), I32Ptr(3, "port"), StrPtr(4, "appProtocol"));

    public static readonly MessageSchema EndpointSlice = new("EndpointSlice",
        Msg(1, "metadata", ObjectMeta), Msgs(2, "endpoints", Endpoint, omitEmpty: false),
        Msgs(3, "ports", SliceEndpointPort, omitEmpty: false), Str(4, "addressType", omitEmpty: false));

    // ---- core/v1 Node
    public static readonly MessageSchema Taint = new("Taint",
        Str(1, "key", omitEmpty: false), Str(2, "value"), Str(3, "effect", omitEmpty: false), TimePtr(4, "timeAdded"));

    public static readonly MessageSchema NodeSpec = new("NodeSpec",
        Str(1, "podCIDR"), Str(2, "externalID"), Str(3, "providerID"), Bool(4, "unschedulable"),
        Msgs(5, "taints", Taint), Strs(7, "podCIDRs"));

    public static readonly MessageSchema NodeCondition = new("NodeCondition",
        Str(1, "type", omitEmpty: false), Str(2, "status", omitEmpty: false), Time(3, "lastHeartbeatTime"),
        Time(4, "lastTransitionTime"), Str(5, "reason"), Str(6, "message"));

    public static readonly MessageSchema NodeAddress = new("NodeAddress",
        Str(1, "type", omitEmpty: false), Str(2, "address", omitEmpty: false));

    public static readonly MessageSchema DaemonEndpoint = new("DaemonEndpoint", I32(1, "Port", omitEmpty: false));

    public static readonly MessageSchema NodeDaemonEndpoints = new("NodeDaemonEndpoints",
        Msg(1, "kubeletEndpoint", DaemonEndpoint));

    public static readonly MessageSchema NodeSystemInfo = new("NodeSystemInfo",
        Str(1, "machineID", false), Str(2, "systemUUID", false), Str(3, "bootID", false),
        Str(4, "kernelVersion", false), Str(5, "osImage", false), Str(6, "containerRuntimeVersion", false),
        Str(7, "kubeletVersion", false), Str(8, "kubeProxyVersion", false), Str(9, "operatingSystem", false),
        Str(10, "architecture", false));

    public static readonly MessageSchema ContainerImage = new("ContainerImage",
        Strs(1, "names"), I64(2, "sizeBytes"));

    public static readonly MessageSchema AttachedVolume = new("AttachedVolume",
        Str(1, "name", false), Str(2, "devicePath", false));

    public static readonly MessageSchema NodeStatus = new("NodeStatus",
        Quantities(1, "capacity"), Quantities(2, "allocatable"), Str(3, "phase"),
        Msgs(4, "conditions", NodeCondition), Msgs(5, "addresses", NodeAddress),
        Msg(6, "daemonEndpoints", NodeDaemonEndpoints), Msg(7, "nodeInfo", NodeSystemInfo),
        Msgs(8, "images", ContainerImage), Strs(9, "volumesInUse"), Msgs(10, "volumesAttached", AttachedVolume));

    public static readonly MessageSchema Node = new("Node",
        Msg(1, "metadata", ObjectMeta), Msg(2, "spec", NodeSpec), Msg(3, "status", NodeStatus));

    /// <summary>core/v1 RangeAllocation: the ClusterIP and nodePort allocators' bitmaps (/registry/ranges/...).</summary>
    public static readonly MessageSchema RangeAllocation = new("RangeAllocation",
        Msg(1, "metadata", ObjectMeta), Str(2, "range"), Bytes(3, "data"));

    /// <summary>Any object whose metadata is all the lab reads (e.g. the Pod of the golden fixtures).</summary>
    public static readonly MessageSchema MetadataOnly = new("MetadataOnly", Msg(1, "metadata", ObjectMeta));
}
