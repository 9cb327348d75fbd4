using System.Globalization;
using System.Text.Json.Nodes;

namespace Lab.StandIns.Http;

/// <summary>JSON patch (RFC 6902, application/json-patch+json): add, remove, replace, move, copy, test.</summary>
internal static class JsonPatch
{
    public static JsonNode Apply(JsonNode document, JsonNode? patch)
    {
        if (patch is not JsonArray ops)
            throw ApiError.BadRequest("json patch must be an array of operations");
        var doc = document.DeepClone();
        foreach (var node in ops)
        {
            if (node is not JsonObject op || op["op"]?.GetValue<string>() is not { } kind || op["path"]?.GetValue<string>() is not { } path)
                throw ApiError.BadRequest($"invalid json patch operation {node?.ToJsonString()}: needs \"op\" and \"path\"");
            switch (kind)
            {
                case "add": Add(ref doc, path, Value(op)); break;
                case "remove": Remove(ref doc, path); break;
                case "replace": Remove(ref doc, path); Add(ref doc, path, Value(op)); break;
                case "move": { var v = Get(doc, From(op)); Remove(ref doc, From(op)); Add(ref doc, path, v); break; }
                case "copy": Add(ref doc, path, Get(doc, From(op))?.DeepClone()); break;
                case "test":
                    if (!JsonNode.DeepEquals(Get(doc, path), op["value"]))
                        throw new ApiError(422, "Invalid", $"the server rejected our request due to an error in our request: testing value {path} failed");
                    break;
                default: throw ApiError.BadRequest($"Unexpected kind: {kind}");
            }
        }
        return doc;
    }

    private static JsonNode? Value(JsonObject op) =>
        op.ContainsKey("value") ? op["value"]?.DeepClone() : throw ApiError.BadRequest("json patch operation is missing \"value\"");

    private static string From(JsonObject op) =>
        op["from"]?.GetValue<string>() ?? throw ApiError.BadRequest("json patch operation is missing \"from\"");

    private static string[] Tokens(string path)
    {
        if (path.Length == 0)
            return [];
        if (!path.StartsWith('/'))
            throw ApiError.BadRequest($"json patch path {path} must start with /");
        return path[1..].Split('/').Select(t => t.Replace("~1", "/").Replace("~0", "~")).ToArray();
    }

    private static JsonNode? Get(JsonNode? doc, string path)
    {
        var node = doc;
        foreach (var token in Tokens(path))
        {
            node = node switch
            {
                JsonObject o when o.ContainsKey(token) => o[token],
                JsonArray a when int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < a.Count => a[i],
                _ => throw new ApiError(422, "Invalid", $"the server rejected our request due to an error in our request: doc is missing path: \"{path}\""),
            };
        }
        return node;
    }

    private static (JsonNode Parent, string Last) Parent(JsonNode doc, string path)
    {
        var tokens = Tokens(path);
        var parentPath = string.Concat(tokens[..^1].Select(t => "/" + t.Replace("~", "~0").Replace("/", "~1")));
        var parent = Get(doc, parentPath) ?? throw new ApiError(422, "Invalid", $"the server rejected our request due to an error in our request: doc is missing path: \"{path}\"");
        return (parent, tokens[^1]);
    }

    private static void Add(ref JsonNode doc, string path, JsonNode? value)
    {
        if (path.Length == 0)
        {
            doc = value ?? throw ApiError.BadRequest("cannot replace the whole document with null");
            return;
        }
        var (parent, last) = Parent(doc, path);
        switch (parent)
        {
            case JsonObject o:
                o[last] = value;
                break;
            case JsonArray a when last == "-":
                a.Add(value);
                break;
            case JsonArray a when int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i <= a.Count:
                a.Insert(i, value);
                break;
            default:
                throw new ApiError(422, "Invalid", $"the server rejected our request due to an error in our request: cannot add at \"{path}\"");
        }
    }

    private static void Remove(ref JsonNode doc, string path)
    {
        var (parent, last) = Parent(doc, path);
        var removed = parent switch
        {
            JsonObject o => o.Remove(last),
            JsonArray a when int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < a.Count => RemoveAt(a, i),
            _ => false,
        };
        if (!removed)
            throw new ApiError(422, "Invalid", $"the server rejected our request due to an error in our request: Unable to remove nonexistent key: {last}: missing value");
    }

    private static bool RemoveAt(JsonArray a, int i)
    {
        a.RemoveAt(i);
        return true;
    }
}
