using System.Text.Json.Nodes;

namespace Lab.StandIns.Http;

/// <summary>labelSelector and fieldSelector query parameters, equality forms only (=, ==, !=) and bare/!key existence.</summary>
internal sealed class Selectors(string? labelSelector, string? fieldSelector)
{
    public bool Matches(JsonObject obj) =>
        Terms(labelSelector).All(t => Holds(t, obj["metadata"]?["labels"] as JsonObject, label: true))
        && Terms(fieldSelector).All(t => Holds(t, obj, label: false));

    private static IEnumerable<(string Key, string Op, string? Value)> Terms(string? selector)
    {
        if (string.IsNullOrWhiteSpace(selector))
            yield break;
        foreach (var raw in selector.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var ne = raw.IndexOf("!=", StringComparison.Ordinal);
            var eq = raw.IndexOf('=');
            if (ne >= 0)
                yield return (raw[..ne].Trim(), "!=", raw[(ne + 2)..].Trim());
            else if (eq >= 0)
                yield return (raw[..eq].Trim(), "=", raw[(eq + 1)..].TrimStart('=').Trim());
            else if (raw.StartsWith('!'))
                yield return (raw[1..].Trim(), "!", null);
            else if (raw.Contains(" in ", StringComparison.Ordinal) || raw.Contains(" notin ", StringComparison.Ordinal))
                throw ApiError.BadRequest($"unable to parse requirement: set-based selector \"{raw}\" is not supported by the lab's kube-apiserver");
            else
                yield return (raw, "exists", null);
        }
    }

    private static bool Holds((string Key, string Op, string? Value) term, JsonObject? source, bool label)
    {
        var actual = label ? source?[term.Key]?.ToString() : FieldValue(source, term.Key);
        return term.Op switch
        {
            "=" => actual == term.Value,
            "!=" => actual != term.Value,
            "!" => actual is null,
            _ => actual is not null,
        };
    }

    private static string? FieldValue(JsonObject? obj, string path)
    {
        JsonNode? node = obj;
        foreach (var part in path.Split('.'))
            node = node?[part];
        return node?.ToString() ?? (path is "metadata.namespace" or "metadata.name" ? "" : null);
    }
}
