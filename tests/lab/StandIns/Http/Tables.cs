using System.Globalization;
using System.Text.Json.Nodes;
using Lab.StandIns.Storage;

namespace Lab.StandIns.Http;

/// <summary>
/// Server-side printing (meta.k8s.io/v1 Table), which `kubectl get` asks for: the columns the real
/// kube-apiserver prints for Services, Endpoints, EndpointSlices and Nodes.
/// </summary>
internal static class Tables
{
    public static bool Wanted(string? accept) => accept?.Contains("as=Table", StringComparison.Ordinal) == true;

    public static JsonObject Build(Resource resource, IEnumerable<JsonObject> objects, long revision)
    {
        var columns = new JsonArray();
        foreach (var (name, type, priority) in Columns(resource))
            columns.Add(new JsonObject { ["name"] = name, ["type"] = type, ["format"] = name == "Name" ? "name" : "", ["description"] = name, ["priority"] = priority });
        var rows = new JsonArray();
        foreach (var obj in objects)
        {
            var cells = new JsonArray();
            foreach (var cell in Cells(resource, obj))
                cells.Add(cell);
            rows.Add(new JsonObject
            {
                ["cells"] = cells,
                ["object"] = new JsonObject
                {
                    ["kind"] = "PartialObjectMetadata",
                    ["apiVersion"] = "meta.k8s.io/v1",
                    ["metadata"] = ProtoJson.StripHidden(obj["metadata"]),
                },
            });
        }
        return new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = new JsonObject { ["resourceVersion"] = revision.ToString(CultureInfo.InvariantCulture) },
            ["columnDefinitions"] = columns,
            ["rows"] = rows,
        };
    }

    private static (string Name, string Type, int Priority)[] Columns(Resource resource) => resource.Kind switch
    {
        "Service" => [("Name", "string", 0), ("Type", "string", 0), ("Cluster-IP", "string", 0), ("External-IP", "string", 0), ("Port(s)", "string", 0), ("Age", "string", 0), ("Selector", "string", 1)],
        "Endpoints" => [("Name", "string", 0), ("Endpoints", "string", 0), ("Age", "string", 0)],
        "EndpointSlice" => [("Name", "string", 0), ("AddressType", "string", 0), ("Ports", "string", 0), ("Endpoints", "string", 0), ("Age", "string", 0)],
        _ => [("Name", "string", 0), ("Status", "string", 0), ("Roles", "string", 0), ("Age", "string", 0), ("Version", "string", 0), ("Internal-IP", "string", 1), ("External-IP", "string", 1)],
    };

    private static JsonNode?[] Cells(Resource resource, JsonObject o)
    {
        var name = o["metadata"]?["name"]?.ToString();
        var age = Age(o["metadata"]?["creationTimestamp"]?.ToString());
        var spec = o["spec"];
        switch (resource.Kind)
        {
            case "Service":
                return [name, spec?["type"]?.ToString(), spec?["clusterIP"]?.ToString() is { Length: > 0 } ip ? ip : "<none>",
                    ExternalIp(o), Ports(spec?["ports"] as JsonArray), age, Selector(spec?["selector"] as JsonObject)];
            case "Endpoints":
                var addresses = (o["subsets"] as JsonArray ?? []).SelectMany(s =>
                    (s?["addresses"] as JsonArray ?? []).SelectMany(a => (s?["ports"] as JsonArray ?? []).Select(p => $"{a?["ip"]}:{p?["port"]}"))).ToList();
                return [name, addresses.Count == 0 ? "<none>" : string.Join(",", addresses), age];
            case "EndpointSlice":
                var ports = (o["ports"] as JsonArray ?? []).Select(p => p?["port"]?.ToString()).Where(p => p is not null).ToList();
                var ends = (o["endpoints"] as JsonArray ?? []).SelectMany(e => e?["addresses"] as JsonArray ?? []).Select(a => a?.ToString()).ToList();
                return [name, o["addressType"]?.ToString(), ports.Count == 0 ? "<unset>" : string.Join(",", ports),
                    ends.Count == 0 ? "<unset>" : string.Join(",", ends), age];
            default:
                var labels = o["metadata"]?["labels"] as JsonObject ?? [];
                var roles = labels.Where(l => l.Key.StartsWith("node-role.kubernetes.io/", StringComparison.Ordinal)).Select(l => l.Key[24..]).ToList();
                var ready = (o["status"]?["conditions"] as JsonArray ?? []).FirstOrDefault(c => c?["type"]?.ToString() == "Ready")?["status"]?.ToString();
                var addrs = o["status"]?["addresses"] as JsonArray ?? [];
                string Addr(string t) => addrs.FirstOrDefault(a => a?["type"]?.ToString() == t)?["address"]?.ToString() ?? "<none>";
                return [name, ready == "True" ? "Ready" : ready == "False" ? "NotReady" : "Unknown",
                    roles.Count == 0 ? "<none>" : string.Join(",", roles), age,
                    o["status"]?["nodeInfo"]?["kubeletVersion"]?.ToString() ?? "", Addr("InternalIP"), Addr("ExternalIP")];
        }
    }

    private static string ExternalIp(JsonObject svc)
    {
        var external = (svc["spec"]?["externalIPs"] as JsonArray ?? []).Select(n => n?.ToString() ?? "").ToList();
        switch (svc["spec"]?["type"]?.ToString())
        {
            case "LoadBalancer":
                var ingress = (svc["status"]?["loadBalancer"]?["ingress"] as JsonArray ?? [])
                    .Select(i => i?["ip"]?.ToString() is { Length: > 0 } ip ? ip : i?["hostname"]?.ToString() ?? "").ToList();
                var all = ingress.Concat(external).Where(s => s.Length > 0).ToList();
                return all.Count > 0 ? string.Join(",", all) : "<pending>";
            case "ExternalName":
                return svc["spec"]?["externalName"]?.ToString() ?? "<none>";
            default:
                return external.Count > 0 ? string.Join(",", external) : "<none>";
        }
    }

    private static string Ports(JsonArray? ports)
    {
        if (ports is null || ports.Count == 0)
            return "<none>";
        return string.Join(",", ports.Select(p => p?["nodePort"] is { } np && np.ToString() != "0"
            ? $"{p["port"]}:{np}/{p["protocol"]}"
            : $"{p?["port"]}/{p?["protocol"]}"));
    }

    private static string Selector(JsonObject? selector) =>
        selector is null || selector.Count == 0 ? "<none>" : string.Join(",", selector.Select(s => $"{s.Key}={s.Value}"));

    /// <summary>apimachinery's duration.HumanDuration.</summary>
    private static string Age(string? created)
    {
        if (created is null || !KubeTime.TryParse(created, out var seconds, out _))
            return "<unknown>";
        var d = DateTimeOffset.UtcNow - DateTimeOffset.FromUnixTimeSeconds(seconds);
        if (d.TotalSeconds < 0) return "0s";
        if (d.TotalMinutes < 2) return $"{(int)d.TotalSeconds}s";
        if (d.TotalMinutes < 10) return d.Seconds == 0 ? $"{(int)d.TotalMinutes}m" : $"{(int)d.TotalMinutes}m{d.Seconds}s";
        if (d.TotalHours < 3) return $"{(int)d.TotalMinutes}m";
        if (d.TotalHours < 8) return d.Minutes == 0 ? $"{(int)d.TotalHours}h" : $"{(int)d.TotalHours}h{d.Minutes}m";
        if (d.TotalHours < 48) return $"{(int)d.TotalHours}h";
        if (d.TotalDays < 8) return d.Hours == 0 ? $"{(int)d.TotalDays}d" : $"{(int)d.TotalDays}d{d.Hours}h";
        return d.TotalDays < 730 ? $"{(int)d.TotalDays}d" : $"{(int)(d.TotalDays / 365)}y";
    }
}
