namespace Recovery.Tests.Kubernetes;

/// <summary>
/// Realistic stored objects for tests, hand-assembled with <see cref="Proto"/>: the seed's nginx-service
/// (selector app=zgz, port 80 -> http-web-svc), its Endpoints and EndpointSlice, Nodes.
/// </summary>
internal static class K8sObjects
{
    public const string NginxUid = "0b7e3c9a-5f1d-4c2e-9a55-3d1e7f00aa01";

    public static Proto Meta(string ns, string name, string uid, IReadOnlyDictionary<string, string>? labels = null, (string Kind, string Name, string Uid)? owner = null)
    {
        var meta = new Proto().Str(1, name);
        if (ns.Length > 0) meta.Str(3, ns);
        meta.Str(5, uid)
            .Msg(8, new Proto().Int(1, 1700000000)); // creationTimestamp {seconds}
        foreach (var (k, v) in labels ?? new Dictionary<string, string>()) meta.Msg(11, new Proto().Str(1, k).Str(2, v));
        if (owner is { } o)
        {
            meta.Msg(13, new Proto().Str(1, o.Kind).Str(3, o.Name).Str(4, o.Uid).Str(5, "v1").Int(6, 1).Int(7, 1));
        }

        return meta;
    }

    /// <summary>A v1 Service value; <paramref name="unknownField"/> adds a field number no reader knows (kept by edits).</summary>
    public static byte[] Service(string ns, string name, string uid, string clusterIP, IEnumerable<string> externalIPs, IEnumerable<string>? ingressIPs = null, string type = "ClusterIP", bool unknownField = true)
    {
        var spec = new Proto()
            .Msg(1, new Proto().Str(1, "http").Str(2, "TCP").Int(3, 80).Msg(4, new Proto().Int(1, 1).Str(3, "http-web-svc")).Int(5, type == "ClusterIP" ? 0 : 30080))
            .Msg(2, new Proto().Str(1, "app").Str(2, "zgz"))
            .Str(3, clusterIP)
            .Str(4, type);
        foreach (var ip in externalIPs) spec.Str(5, ip);
        spec.Str(7, "None") // sessionAffinity
            .Str(17, "SingleStack") // ipFamilyPolicy
            .Str(18, clusterIP) // clusterIPs
            .Str(19, "IPv4"); // ipFamilies
        if (unknownField) spec.Int(99, 42).Fixed32(98, 0xdeadbeef); // numbers no Kubernetes version uses: must survive edits
        var lb = new Proto();
        foreach (var ip in ingressIPs ?? []) lb.Msg(1, new Proto().Str(1, ip).Str(15, "kept")); // ip, and a field the reader does not know
        var service = new Proto()
            .Msg(1, Meta(ns, name, uid))
            .Msg(2, spec)
            .Msg(3, new Proto().Msg(1, lb));
        return Proto.Envelope("v1", "Service", service.Bytes());
    }

    public static byte[] NginxService(params string[] externalIPs) =>
        Service("default", "nginx-service", NginxUid, "10.96.120.7", externalIPs.Length == 0 ? ["10.77.0.11"] : externalIPs);

    public static byte[] Endpoints(string ns, string name) =>
        Proto.Envelope("v1", "Endpoints", new Proto()
            .Msg(1, Meta(ns, name, Guid.NewGuid().ToString()))
            .Msg(2, new Proto().Msg(1, new Proto().Str(1, "10.244.1.5")).Msg(3, new Proto().Str(1, "http-web-svc").Int(2, 80).Str(3, "TCP")))
            .Bytes());

    public static byte[] EndpointSlice(string ns, string sliceName, string serviceName, string ownerUid) =>
        Proto.Envelope("discovery.k8s.io/v1", "EndpointSlice", new Proto()
            .Msg(1, Meta(ns, sliceName, Guid.NewGuid().ToString(),
                new Dictionary<string, string> { ["kubernetes.io/service-name"] = serviceName, ["endpointslice.kubernetes.io/managed-by"] = "endpointslice-controller.k8s.io" },
                ("Service", serviceName, ownerUid)))
            .Msg(2, new Proto().Str(1, "10.244.1.5"))
            .Str(4, "IPv4")
            .Bytes());

    /// <summary>A Node with these labels and status.addresses, in this order (field numbers: k8s.io/api core/v1 generated.proto).</summary>
    public static byte[] Node(string name, IReadOnlyDictionary<string, string> labels, params (string Type, string Address)[] addresses)
    {
        var status = new Proto();
        foreach (var (type, address) in addresses) status.Msg(5, new Proto().Str(1, type).Str(2, address));
        return Proto.Envelope("v1", "Node", new Proto()
            .Msg(1, Meta("", name, Guid.NewGuid().ToString(), labels))
            .Msg(2, new Proto().Str(1, "10.244.0.0/24"))
            .Msg(3, status)
            .Bytes());
    }

    public static byte[] Node(string name, string internalIP) =>
        Proto.Envelope("v1", "Node", new Proto()
            .Msg(1, Meta("", name, Guid.NewGuid().ToString(), new Dictionary<string, string> { ["kubernetes.io/hostname"] = name }))
            .Msg(2, new Proto().Str(1, "10.244.0.0/24"))
            .Msg(3, new Proto()
                .Msg(5, new Proto().Str(1, "InternalIP").Str(2, internalIP))
                .Msg(5, new Proto().Str(1, "Hostname").Str(2, name)))
            .Bytes());
}
