using System.Text.Json;
using System.Text.Json.Nodes;
using Lab.StandIns.Storage;

namespace Lab.StandIns.Http;

/// <summary>
/// metadata.managedFields as the v1.20 field manager keeps them for Update operations, simplified: a writer
/// (the fieldManager query parameter, else the User-Agent's program name) owns the fields it set on create
/// or changed on update; other managers lose those fields; an entry left with no field is dropped. Field
/// sets use the FieldsV1 form ("f:name", "k:{...}" for keyed list items, "." for a map or item itself).
/// Simplified against upstream: sets are computed on the object as written (after defaults and allocation).
/// </summary>
internal static class ManagedFields
{
    /// <summary>Identity and bookkeeping fields upstream never tracks.</summary>
    private static readonly HashSet<string> UntrackedMeta =
        ["name", "namespace", "uid", "resourceVersion", "creationTimestamp", "generation", "selfLink", "managedFields",
         "deletionTimestamp", "deletionGracePeriodSeconds", ProtoJson.UnknownKey];

    /// <summary>Associative lists and their keys (listType=map), as FieldsV1 names their items.</summary>
    private static readonly Dictionary<string, string[]> Keyed = new(StringComparer.Ordinal)
    {
        ["metadata.ownerReferences"] = ["uid"],
        ["spec.ports"] = ["port", "protocol"],
        ["status.conditions"] = ["type"],
        ["status.addresses"] = ["type"],
    };

    private static readonly JsonSerializerOptions GoJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Record(JsonObject updated, JsonObject? old, string manager, string apiVersion)
    {
        var now = Paths(updated);
        var before = old is null ? new Dictionary<string, string>() : Paths(old);
        var changed = now.Where(p => !before.TryGetValue(p.Key, out var v) || v != p.Value).Select(p => p.Key).ToHashSet();
        var removed = before.Keys.Where(k => !now.ContainsKey(k)).ToHashSet();
        var entries = (old?["metadata"]?["managedFields"] ?? updated["metadata"]?["managedFields"]) as JsonArray ?? [];
        var meta = ObjectRules.Meta(updated);
        if (changed.Count == 0 && removed.Count == 0)
        {
            // Nothing changed: the entries stay exactly as they were (so a no-op write stays a no-op).
            if (entries.Count > 0)
                meta["managedFields"] = entries.DeepClone();
            else
                meta.Remove("managedFields");
            return;
        }
        var result = new JsonArray();
        var mine = false;
        foreach (var entry in entries.OfType<JsonObject>())
        {
            var set = Parse(entry["fieldsV1"]);
            var isMine = entry["manager"]?.ToString() == manager && entry["operation"]?.ToString() == "Update";
            set.ExceptWith(removed);
            if (isMine)
            {
                set.UnionWith(changed);
                mine = true;
            }
            else
            {
                set.ExceptWith(changed);
            }
            if (set.Count == 0)
                continue;
            var copy = (JsonObject)entry.DeepClone();
            copy["fieldsV1"] = Tree(set);
            if (isMine && changed.Count > 0)
                copy["time"] = KubeTime.Now();
            result.Add(copy);
        }
        if (!mine && changed.Count > 0)
            result.Add(Entry(manager, apiVersion, changed));
        if (result.Count > 0)
            meta["managedFields"] = result;
        else
            meta.Remove("managedFields");
    }

    /// <summary>
    /// Drops from the writer's entry what the server allocated on create and the client did not send
    /// (clusterIP(s), ipFamilies, ipFamilyPolicy, nodePorts): upstream tracks the object before allocation.
    /// </summary>
    public static void ForgetAllocated(JsonObject created, JsonObject? sentSpec, string manager)
    {
        var forget = new HashSet<string>(StringComparer.Ordinal);
        foreach (var field in new[] { "clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy" })
            if (sentSpec?[field] is null)
                forget.Add(Join(["f:spec", $"f:{field}"]));
        var sentPorts = sentSpec?["ports"] as JsonArray ?? [];
        foreach (var port in created["spec"]?["ports"] as JsonArray ?? [])
        {
            var sent = sentPorts.FirstOrDefault(p => JsonNode.DeepEquals(p?["port"], port?["port"]));
            if (port is JsonObject item && sent?["nodePort"] is null && item["nodePort"] is not null)
                forget.Add(Join(["f:spec", "f:ports", ItemKey(item, Keyed["spec.ports"]), "f:nodePort"]));
        }
        var entries = created["metadata"]?["managedFields"] as JsonArray ?? [];
        foreach (var entry in entries.OfType<JsonObject>().Where(e => e["manager"]?.ToString() == manager))
        {
            var set = Parse(entry["fieldsV1"]);
            set.ExceptWith(forget);
            entry["fieldsV1"] = Tree(set);
        }
    }

    /// <summary>The manager name the real server derives: fieldManager, else the User-Agent's first word before '/'.</summary>
    public static string Manager(string? fieldManager, string? userAgent) =>
        !string.IsNullOrEmpty(fieldManager) ? fieldManager
        : string.IsNullOrEmpty(userAgent) ? "unknown" : userAgent.Split('/')[0].Trim();

    private static JsonObject Entry(string manager, string apiVersion, HashSet<string> set) => new()
    {
        ["manager"] = manager,
        ["operation"] = "Update",
        ["apiVersion"] = apiVersion,
        ["time"] = KubeTime.Now(),
        ["fieldsType"] = "FieldsV1",
        ["fieldsV1"] = Tree(set),
    };

    /// <summary>Every tracked path of an object ("f:spec\u0000f:ports\u0000k:{...}\u0000f:port") with its leaf value.</summary>
    private static Dictionary<string, string> Paths(JsonObject obj)
    {
        var paths = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in obj)
        {
            if (key is "apiVersion" or "kind" or ProtoJson.UnknownKey || value is null)
                continue;
            if (key == "metadata" && value is JsonObject meta)
            {
                foreach (var (mk, mv) in meta)
                    if (!UntrackedMeta.Contains(mk) && mv is not null)
                        Walk(mv, [$"f:{key}", $"f:{mk}"], $"metadata.{mk}", paths);
                continue;
            }
            Walk(value, [$"f:{key}"], key, paths);
        }
        return paths;
    }

    private static void Walk(JsonNode node, List<string> at, string field, Dictionary<string, string> paths)
    {
        switch (node)
        {
            case JsonObject o when IsMap(field):
                paths[Join([.. at, "."])] = "";
                foreach (var (k, v) in o)
                    paths[Join([.. at, $"f:{k}"])] = v?.ToJsonString() ?? "null";
                break;
            case JsonObject o:
                foreach (var (k, v) in o)
                    if (v is not null && k != ProtoJson.UnknownKey)
                        Walk(v, [.. at, $"f:{k}"], $"{field}.{k}", paths);
                break;
            case JsonArray a when Keyed.TryGetValue(field, out var keys):
                paths[Join([.. at, "."])] = "";
                foreach (var item in a.OfType<JsonObject>())
                {
                    List<string> itemAt = [.. at, ItemKey(item, keys)];
                    paths[Join([.. itemAt, "."])] = "";
                    foreach (var (k, v) in item)
                        if (v is not null && k != ProtoJson.UnknownKey)
                            paths[Join([.. itemAt, $"f:{k}"])] = v.ToJsonString();
                }
                break;
            default:
                paths[Join(at)] = node.ToJsonString();
                break;
        }
    }

    private static string ItemKey(JsonObject item, string[] keys)
    {
        var key = new JsonObject();
        foreach (var k in keys)
            key[k] = item[k]?.DeepClone();
        return "k:" + key.ToJsonString(GoJson);
    }

    /// <summary>Fields whose JSON object is a map[string]string (every key is data, not a field name).</summary>
    private static bool IsMap(string field) =>
        field is "metadata.labels" or "metadata.annotations" or "spec.selector";

    private static string Join(IEnumerable<string> parts) => string.Join('\u0000', parts);

    private static HashSet<string> Parse(JsonNode? tree)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        void Visit(JsonNode? node, List<string> at)
        {
            if (node is not JsonObject o || o.Count == 0)
            {
                if (at.Count > 0)
                    set.Add(Join(at));
                return;
            }
            foreach (var (k, v) in o)
                Visit(v, [.. at, k]);
        }
        Visit(tree, []);
        return set;
    }

    private static JsonObject Tree(HashSet<string> set)
    {
        var root = new JsonObject();
        foreach (var path in set.Order(StringComparer.Ordinal))
        {
            var node = root;
            foreach (var part in path.Split('\u0000'))
                node = node[part] as JsonObject ?? (JsonObject)(node[part] = new JsonObject());
        }
        return root;
    }
}
