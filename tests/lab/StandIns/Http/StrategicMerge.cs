using System.Text.Json.Nodes;

namespace Lab.StandIns.Http;

/// <summary>
/// Strategic merge patch (application/strategic-merge-patch+json) for the lab's types: lists with a patch merge
/// key (spec.ports by port, status.conditions by type, ...) merge element-wise, other lists are replaced; the
/// directives kubectl sends ($patch, $retainKeys, $setElementOrder/, $deleteFromPrimitiveList/) are honoured.
/// </summary>
internal static class StrategicMerge
{
    /// <summary>Patch merge keys by field path, as declared in k8s.io/api (patchMergeKey / patchStrategy=merge).</summary>
    private static readonly Dictionary<string, string?> MergeLists = new(StringComparer.Ordinal)
    {
        ["metadata.ownerReferences"] = "uid",
        ["metadata.finalizers"] = null,
        ["spec.ports"] = "port",
        ["status.conditions"] = "type",
        ["status.addresses"] = "type",
    };

    public static JsonNode? Apply(JsonNode? original, JsonNode? patch) => MergeObject(original as JsonObject, patch, "");

    private static JsonNode? MergeObject(JsonObject? original, JsonNode? patch, string path)
    {
        if (patch is not JsonObject p)
            return patch?.DeepClone();
        var directive = p["$patch"]?.GetValue<string>();
        if (directive == "delete")
            return null;
        if (directive == "replace")
            return WithoutDirectives(p);
        var result = original is null ? new JsonObject() : (JsonObject)original.DeepClone();
        foreach (var (key, value) in p)
        {
            if (key.StartsWith('$'))
                continue;
            var at = path.Length == 0 ? key : $"{path}.{key}";
            if (value is null)
            {
                result.Remove(key);
                continue;
            }
            var merged = value switch
            {
                JsonObject => MergeObject(result[key] as JsonObject, value, at),
                JsonArray list when MergeLists.TryGetValue(at, out var mergeKey) => MergeList(result[key] as JsonArray, list, mergeKey),
                _ => value.DeepClone(),
            };
            if (merged is null && value is JsonObject)
                result.Remove(key);
            else
                result[key] = merged;
        }
        foreach (var (key, value) in p)
        {
            if (key.StartsWith("$deleteFromPrimitiveList/", StringComparison.Ordinal) && value is JsonArray gone && result[key[25..]] is JsonArray from)
                foreach (var g in gone)
                    RemoveWhere(from, e => JsonNode.DeepEquals(e, g));
            else if (key.StartsWith("$setElementOrder/", StringComparison.Ordinal) && value is JsonArray order && result[key[17..]] is JsonArray target)
                result[key[17..]] = Reorder(target, order, MergeLists.GetValueOrDefault(path.Length == 0 ? key[17..] : $"{path}.{key[17..]}"));
        }
        if (p["$retainKeys"] is JsonArray retain)
        {
            var keep = retain.Select(k => k?.GetValue<string>()).ToHashSet();
            foreach (var key in result.Select(e => e.Key).Where(k => !keep.Contains(k)).ToList())
                result.Remove(key);
        }
        return result;
    }

    private static JsonArray MergeList(JsonArray? original, JsonArray patch, string? mergeKey)
    {
        if (patch.Any(e => e is JsonObject o && o["$patch"]?.GetValue<string>() == "replace"))
            return new JsonArray(patch.Where(e => !(e is JsonObject o && o.ContainsKey("$patch"))).Select(e => e?.DeepClone()).ToArray());
        var result = original is null ? new JsonArray() : (JsonArray)original.DeepClone();
        foreach (var element in patch)
        {
            if (mergeKey is null || element is not JsonObject item)
            {
                if (!result.Any(e => JsonNode.DeepEquals(e, element)))
                    result.Add(element?.DeepClone());
                continue;
            }
            var key = item[mergeKey];
            var index = IndexOf(result, mergeKey, key);
            if (item["$patch"]?.GetValue<string>() == "delete")
            {
                if (index >= 0)
                    result.RemoveAt(index);
            }
            else if (index >= 0)
            {
                result[index] = MergeObject(result[index] as JsonObject, item, "");
            }
            else
            {
                result.Add(WithoutDirectives(item));
            }
        }
        return result;
    }

    private static JsonArray Reorder(JsonArray list, JsonArray order, string? mergeKey)
    {
        var remaining = list.Select(e => e?.DeepClone()).ToList();
        var result = new JsonArray();
        foreach (var wanted in order)
        {
            var match = remaining.FindIndex(e => mergeKey is null
                ? JsonNode.DeepEquals(e, wanted)
                : JsonNode.DeepEquals(e?[mergeKey], wanted?[mergeKey]));
            if (match < 0)
                continue;
            result.Add(remaining[match]);
            remaining.RemoveAt(match);
        }
        foreach (var rest in remaining)
            result.Add(rest);
        return result;
    }

    private static int IndexOf(JsonArray list, string mergeKey, JsonNode? key)
    {
        for (var i = 0; i < list.Count; i++)
            if (list[i] is JsonObject o && JsonNode.DeepEquals(o[mergeKey], key))
                return i;
        return -1;
    }

    private static void RemoveWhere(JsonArray list, Func<JsonNode?, bool> predicate)
    {
        for (var i = list.Count - 1; i >= 0; i--)
            if (predicate(list[i]))
                list.RemoveAt(i);
    }

    private static JsonObject WithoutDirectives(JsonObject o)
    {
        var copy = new JsonObject();
        foreach (var (k, v) in o)
            if (!k.StartsWith('$'))
                copy[k] = v?.DeepClone();
        return copy;
    }
}
