using System.Text.Json.Nodes;

namespace Lab.StandIns.Http;

/// <summary>JSON merge patch (RFC 7386, application/merge-patch+json): objects merge, null deletes, the rest replaces.</summary>
internal static class MergePatch
{
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject p)
            return patch?.DeepClone();
        var result = target is JsonObject t ? (JsonObject)t.DeepClone() : new JsonObject();
        foreach (var (key, value) in p)
        {
            if (value is null)
                result.Remove(key);
            else
                result[key] = Apply(result[key], value);
        }
        return result;
    }
}
