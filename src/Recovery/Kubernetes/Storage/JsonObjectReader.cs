using System.Globalization;
using System.Text.Json;

namespace Recovery.Kubernetes.Storage;

/// <summary>Reads the same fields as <see cref="ProtoObjectReader"/> from JSON-stored objects.</summary>
internal static class JsonObjectReader
{
    public static ObjectMeta Metadata(StoredValue value) => Read(value, root => ReadMeta(root));

    public static ServiceObject Service(StoredValue value) => Read(value, root =>
    {
        var spec = Child(root, "spec");
        var ingress = Items(Child(Child(root, "status"), "loadBalancer"), "ingress").Select(i => Text(i, "ip")).Where(ip => ip.Length > 0).ToList();
        var ports = Items(spec, "ports").Select(p => new ServicePort(
            Text(p, "name"), Text(p, "protocol"), Number(p, "port"), TargetPort(p), Number(p, "nodePort"))).ToList();
        return new ServiceObject(ReadMeta(root), Text(spec, "type"), Text(spec, "clusterIP"), Strings(spec, "clusterIPs"), ports,
            Strings(spec, "externalIPs"), Text(spec, "loadBalancerIP"), ingress) { LoadBalancerClass = Text(spec, "loadBalancerClass") };
    });

    public static NodeObject Node(StoredValue value) => Read(value, ReadNode);

    /// <summary>The items of a v1 NodeList as the API serves it (<c>kubectl get nodes -o json</c>).</summary>
    public static IReadOnlyList<NodeObject> NodeList(ReadOnlyMemory<byte> json) =>
        Read(new StoredValue(StorageEncoding.Json, "v1", "NodeList", json, "", "", 0, null), root => Items(root, "items").Select(ReadNode).ToList());

    private static NodeObject ReadNode(JsonElement root) =>
        new(ReadMeta(root), Items(Child(root, "status"), "addresses").Select(a => new NodeAddress(Text(a, "type"), Text(a, "address"))).ToList());

    private static T Read<T>(StoredValue value, Func<JsonElement, T> read)
    {
        try
        {
            using var document = JsonDocument.Parse(value.Raw, new JsonDocumentOptions { MaxDepth = 64, AllowDuplicateProperties = false });
            return read(document.RootElement);
        }
        catch (JsonException e)
        {
            throw new StorageFormatException($"{value.Kind} JSON is not valid: {e.Message}");
        }
        catch (InvalidOperationException e)
        {
            throw new StorageFormatException($"{value.Kind} JSON has a field of an unexpected type: {e.Message}");
        }
    }

    /// <summary>metadata of an object in the API's JSON form (etcd's JSON values, kubectl's output).</summary>
    internal static ObjectMeta ReadMeta(JsonElement root)
    {
        var meta = Child(root, "metadata");

        var owners = Items(meta, "ownerReferences").Select(o => new OwnerReference(
            Text(o, "apiVersion"), Text(o, "kind"), Text(o, "name"), Text(o, "uid"), Flag(o, "controller"), Flag(o, "blockOwnerDeletion"))).ToList();
        return new ObjectMeta(Text(meta, "name"), Text(meta, "namespace"), Text(meta, "uid"), Text(meta, "generateName"), Map(meta, "labels"), owners)
        {
            Annotations = Map(meta, "annotations"),
        };
    }

    /// <summary>A map of strings (labels, annotations); a value of another type is kept as "".</summary>
    private static Dictionary<string, string> Map(JsonElement meta, string name)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        var o = Child(meta, name);
        if (o.ValueKind != JsonValueKind.Object) return map;
        foreach (var p in o.EnumerateObject()) map[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : "";
        return map;
    }

    private static JsonElement Child(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var c) ? c : default;

    private static IEnumerable<JsonElement> Items(JsonElement e, string name)
    {
        var array = Child(e, name);
        return array.ValueKind == JsonValueKind.Array ? array.EnumerateArray().ToList() : [];
    }

    private static string Text(JsonElement e, string name)
    {
        var c = Child(e, name);
        return c.ValueKind == JsonValueKind.String ? c.GetString()! : "";
    }

    private static int Number(JsonElement e, string name)
    {
        var c = Child(e, name);
        return c.ValueKind == JsonValueKind.Number && c.TryGetInt32(out var n) ? n : 0;
    }

    private static bool Flag(JsonElement e, string name) => Child(e, name).ValueKind == JsonValueKind.True;

    private static List<string> Strings(JsonElement e, string name) =>
        Items(e, name).Where(i => i.ValueKind == JsonValueKind.String).Select(i => i.GetString()!).ToList();

    private static string TargetPort(JsonElement port)
    {
        var t = Child(port, "targetPort");
        return t.ValueKind switch
        {
            JsonValueKind.Number => t.TryGetInt32(out var n) ? n.ToString(CultureInfo.InvariantCulture) : "",
            JsonValueKind.String => t.GetString()!,
            _ => "",
        };
    }
}
