namespace Recovery.Kubernetes.Storage;

/// <summary>
/// Reads Kubernetes objects from their protobuf bytes (the envelope's raw field). Field numbers are those of
/// k8s.io/api core/v1, discovery/v1 and apimachinery meta/v1 generated.proto; unknown fields are skipped.
/// </summary>
internal static class ProtoObjectReader
{
    public static ObjectMeta Metadata(StoredValue value)
    {
        var reader = Root(value, "object");
        while (reader.Next(out var f))
        {
            if (f.Number == 1) return ReadMeta(reader.Message(f, "metadata"));
        }

        throw new StorageFormatException($"{value.Kind} has no metadata (field 1)");
    }

    public static ServiceObject Service(StoredValue value)
    {
        var reader = Root(value, "Service");
        ObjectMeta? meta = null;
        string type = "", clusterIP = "", loadBalancerIP = "", loadBalancerClass = "";
        List<string> clusterIPs = [], externalIPs = [], ingress = [];
        List<ServicePort> ports = [];
        while (reader.Next(out var f))
        {
            switch (f.Number)
            {
                case 1:
                    meta = ReadMeta(reader.Message(f, "Service.metadata"));
                    break;
                case 2:
                    var spec = reader.Message(f, "Service.spec");
                    while (spec.Next(out var s))
                    {
                        switch (s.Number)
                        {
                            case 1: ports.Add(ReadPort(spec.Message(s, "Service.spec.ports"))); break;
                            case 3: clusterIP = spec.String(s); break;
                            case 4: type = spec.String(s); break;
                            case 5: externalIPs.Add(spec.String(s)); break;
                            case 8: loadBalancerIP = spec.String(s); break;
                            case 18: clusterIPs.Add(spec.String(s)); break;
                            case 21: loadBalancerClass = spec.String(s); break;
                        }
                    }

                    break;
                case 3:
                    var status = reader.Message(f, "Service.status");
                    while (status.Next(out var st))
                    {
                        if (st.Number != 1) continue;
                        var lb = status.Message(st, "Service.status.loadBalancer");
                        while (lb.Next(out var l))
                        {
                            if (l.Number != 1) continue;
                            var entry = lb.Message(l, "Service.status.loadBalancer.ingress");
                            while (entry.Next(out var e))
                            {
                                if (e.Number == 1) ingress.Add(entry.String(e));
                            }
                        }
                    }

                    break;
            }
        }

        return new ServiceObject(meta ?? throw new StorageFormatException("Service has no metadata (field 1)"), type, clusterIP, clusterIPs, ports, externalIPs, loadBalancerIP, ingress)
        {
            LoadBalancerClass = loadBalancerClass,
        };
    }

    public static NodeObject Node(StoredValue value)
    {
        var reader = Root(value, "Node");
        ObjectMeta? meta = null;
        List<NodeAddress> addresses = [];
        while (reader.Next(out var f))
        {
            if (f.Number == 1) meta = ReadMeta(reader.Message(f, "Node.metadata"));
            if (f.Number != 3) continue;
            var status = reader.Message(f, "Node.status");
            while (status.Next(out var s))
            {
                if (s.Number != 5) continue;
                var address = status.Message(s, "Node.status.addresses");
                string type = "", text = "";
                while (address.Next(out var a))
                {
                    if (a.Number == 1) type = address.String(a);
                    else if (a.Number == 2) text = address.String(a);
                }

                addresses.Add(new NodeAddress(type, text));
            }
        }

        return new NodeObject(meta ?? throw new StorageFormatException("Node has no metadata (field 1)"), addresses);
    }

    private static ProtoReader Root(StoredValue value, string context) => new(value.Raw.Span, value.RawOffset, context, 1);

    private static ObjectMeta ReadMeta(ProtoReader meta)
    {
        string name = "", ns = "", uid = "", generateName = "";
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var annotations = new Dictionary<string, string>(StringComparer.Ordinal);
        List<OwnerReference> owners = [];
        while (meta.Next(out var f))
        {
            switch (f.Number)
            {
                case 1: name = meta.String(f); break;
                case 2: generateName = meta.String(f); break;
                case 3: ns = meta.String(f); break;
                case 5: uid = meta.String(f); break;
                case 11: ReadEntry(meta.Message(f, "metadata.labels"), labels); break;
                case 12: ReadEntry(meta.Message(f, "metadata.annotations"), annotations); break;
                case 13:
                    owners.Add(ReadOwner(meta.Message(f, "metadata.ownerReferences")));
                    break;
            }
        }

        return new ObjectMeta(name, ns, uid, generateName, labels, owners) { Annotations = annotations };
    }

    /// <summary>One map&lt;string, string&gt; entry {key=1, value=2} (labels, annotations).</summary>
    private static void ReadEntry(ProtoReader entry, Dictionary<string, string> into)
    {
        string key = "", value = "";
        while (entry.Next(out var e))
        {
            if (e.Number == 1) key = entry.String(e);
            else if (e.Number == 2) value = entry.String(e);
        }

        into[key] = value;
    }

    private static OwnerReference ReadOwner(ProtoReader owner)
    {
        string apiVersion = "", kind = "", name = "", uid = "";
        bool controller = false, block = false;
        while (owner.Next(out var f))
        {
            switch (f.Number)
            {
                case 1: kind = owner.String(f); break;
                case 3: name = owner.String(f); break;
                case 4: uid = owner.String(f); break;
                case 5: apiVersion = owner.String(f); break;
                case 6: controller = owner.Bool(f); break;
                case 7: block = owner.Bool(f); break;
            }
        }

        return new OwnerReference(apiVersion, kind, name, uid, controller, block);
    }

    private static ServicePort ReadPort(ProtoReader port)
    {
        string name = "", protocol = "", target = "";
        long number = 0, nodePort = 0;
        while (port.Next(out var f))
        {
            switch (f.Number)
            {
                case 1: name = port.String(f); break;
                case 2: protocol = port.String(f); break;
                case 3: number = port.Int(f); break;
                case 4: target = ReadIntOrString(port.Message(f, "Service.spec.ports.targetPort")); break;
                case 5: nodePort = port.Int(f); break;
            }
        }

        return new ServicePort(name, protocol, (int)number, target, (int)nodePort);
    }

    /// <summary>IntOrString {type=1 (0 int, 1 string), intVal=2, strVal=3}.</summary>
    private static string ReadIntOrString(ProtoReader value)
    {
        long type = 0, number = 0;
        var text = "";
        while (value.Next(out var f))
        {
            switch (f.Number)
            {
                case 1: type = value.Int(f); break;
                case 2: number = value.Int(f); break;
                case 3: text = value.String(f); break;
            }
        }

        return type == 1 ? text : number.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
