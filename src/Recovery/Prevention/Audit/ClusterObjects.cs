using System.Net;
using System.Text.Json;
using Recovery.Addresses;
using Recovery.Facts.Parsing;
using Recovery.Kubernetes;
using YamlDotNet.RepresentationModel;

namespace Recovery.Prevention.Audit;

/// <summary>A Node address (status.addresses[] of type InternalIP or ExternalIP).</summary>
internal sealed record NodeAddress(string Node, string Type, IPAddress Address);

/// <summary>One Service (NAMESPACE/NAME) and its address fields as written.</summary>
internal sealed record ServiceAddresses(string Service, ServiceAddressFields Fields);

/// <summary>One entry of a load-balancer pool: the object that holds it, the pool and the entry's text.</summary>
internal sealed record PoolEntry(string Object, string Pool, string Field, AddressRange Range);

/// <summary>
/// Reads the shapes `kubectl get ... -o json` prints (pure; the samples in tests/Recovery.Tests/Kubernetes/Audit cite
/// upstream). Anything that is not the expected shape is a <see cref="FormatException"/>, reported as unreadable.
/// </summary>
internal static class ClusterObjects
{
    public static IReadOnlyList<NodeAddress> NodeAddresses(string json) => Items(json).SelectMany(node =>
    {
        var name = Text(node, "metadata", "name") ?? "?";
        return Array(node, "status", "addresses")
            .Select(a => (Type: Text(a, "type"), Value: Text(a, "address")))
            .Where(a => a.Type is "InternalIP" or "ExternalIP")
            .Select(a => KubernetesAddress.TryParse(a.Value, out var ip) ? new NodeAddress(name, a.Type!, ip) : null)
            .OfType<NodeAddress>();
    }).ToList();

    /// <summary>The address fields of every Service, as written (what <see cref="ServiceClaimRule"/> decides on).</summary>
    public static IReadOnlyList<ServiceAddresses> Services(string json) => Items(json)
        .Select(service => new ServiceAddresses(
            $"{Text(service, "metadata", "namespace") ?? "default"}/{Text(service, "metadata", "name") ?? "?"}",
            ServiceAddressFields.FromJson(service)))
        .ToList();

    /// <summary>subsets[].addresses[].ip of Endpoints default/kubernetes: the API servers' advertised addresses.</summary>
    public static IReadOnlyList<IPAddress> EndpointAddresses(string json)
    {
        using var doc = Parse(json);
        return Array(doc.RootElement, "subsets").SelectMany(s => Array(s, "addresses"))
            .Select(a => KubernetesAddress.TryParse(Text(a, "ip"), out var ip) ? ip : null).OfType<IPAddress>().ToList();
    }

    /// <summary>The current context's cluster server URL (`kubectl config view --minify -o json`).</summary>
    public static string? KubeconfigServer(string json)
    {
        using var doc = Parse(json);
        return Array(doc.RootElement, "clusters").Select(c => Text(c, "cluster", "server")).FirstOrDefault(s => s is not null);
    }

    /// <summary>spec.addresses of every MetalLB IPAddressPool (metallb.io/v1beta1).</summary>
    public static IReadOnlyList<PoolEntry> IpAddressPools(string json) => Items(json).SelectMany(pool =>
    {
        var name = $"{Text(pool, "metadata", "namespace")}/{Text(pool, "metadata", "name")}";
        return Array(pool, "spec", "addresses").Select((e, i) => (Text: e.GetString() ?? "", i))
            .Select(x => AddressRange.Parse(x.Text) is { } r ? new PoolEntry($"IPAddressPool {name}", name, $"spec.addresses[{x.i}]", r) : null)
            .OfType<PoolEntry>();
    }).ToList();

    /// <summary>address-pools[].addresses of MetalLB's older ConfigMap (metallb-system/config, key `config`, before v0.13).</summary>
    public static IReadOnlyList<PoolEntry> LegacyMetalLbPools(string json)
    {
        using var doc = Parse(json);
        var config = Text(doc.RootElement, "data", "config");
        if (config is null) return [];
        var yaml = new YamlStream();
        try
        {
            yaml.Load(new StringReader(config));
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new FormatException($"ConfigMap metallb-system/config: `config` is not YAML ({e.Message})", e);
        }
        if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is not YamlMappingNode root
            || !root.Children.TryGetValue(new YamlScalarNode("address-pools"), out var pools) || pools is not YamlSequenceNode list) return [];
        var entries = new List<PoolEntry>();
        foreach (var pool in list.OfType<YamlMappingNode>())
        {
            var name = pool.Children.TryGetValue(new YamlScalarNode("name"), out var n) ? n.ToString() : "?";
            if (!pool.Children.TryGetValue(new YamlScalarNode("addresses"), out var a) || a is not YamlSequenceNode addresses) continue;
            foreach (var (entry, i) in addresses.OfType<YamlScalarNode>().Select((e, i) => (e, i)))
            {
                if (AddressRange.Parse(entry.Value ?? "") is { } r) entries.Add(new PoolEntry("ConfigMap metallb-system/config", name, $"address-pools[{name}].addresses[{i}]", r));
            }
        }
        return entries;
    }

    /// <summary>`mode:` of the KubeProxyConfiguration in ConfigMap kube-system/kube-proxy (kubeadm: key `config.conf`).</summary>
    public static string? ProxyModeFromConfigMap(string json)
    {
        using var doc = Parse(json);
        var config = Text(doc.RootElement, "data", "config.conf");
        return config is null ? null : KubeProxyModeSources.ParseConfigMode(config);
    }

    /// <summary>serverVersion major.minor of `kubectl version -o json` ("1", "30+" as some providers print it).</summary>
    public static (int Major, int Minor)? ServerVersion(string json)
    {
        using var doc = Parse(json);
        var major = Text(doc.RootElement, "serverVersion", "major");
        var minor = Text(doc.RootElement, "serverVersion", "minor")?.TrimEnd('+');
        return int.TryParse(major, out var a) && int.TryParse(minor, out var b) ? (a, b) : null;
    }

    private static IEnumerable<JsonElement> Items(string json)
    {
        using var doc = Parse(json);
        var root = doc.RootElement;
        var items = root.TryGetProperty("items", out var list) && list.ValueKind == JsonValueKind.Array ? list.EnumerateArray().ToList() : [root];
        // Clone: the elements outlive the document.
        return items.Select(e => e.Clone()).ToList();
    }

    private static JsonDocument Parse(string json)
    {
        try
        {
            var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new FormatException("expected a JSON object from kubectl");
            return doc;
        }
        catch (JsonException e)
        {
            throw new FormatException($"kubectl printed something that is not JSON ({e.Message})", e);
        }
    }

    private static string? Text(JsonElement e, params string[] path)
    {
        foreach (var p in path)
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(p, out e)) return null;
        }
        return e.ValueKind == JsonValueKind.String ? e.GetString() : null;
    }

    private static IEnumerable<JsonElement> Array(JsonElement e, params string[] path)
    {
        foreach (var p in path)
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(p, out e)) return [];
        }
        return e.ValueKind == JsonValueKind.Array ? e.EnumerateArray().ToList() : [];
    }
}
