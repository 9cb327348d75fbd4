using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Recovery.Kubernetes.Storage;

/// <summary>Removes addresses from a JSON-stored Service; every other property stays, in order.</summary>
internal static class JsonServiceStrip
{
    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static StripResult Strip(ReadOnlyMemory<byte> value, IReadOnlyCollection<IPAddress> addresses)
    {
        try
        {
            return Edit(value, addresses);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            throw new StorageFormatException($"Service JSON cannot be edited safely: {e.Message}");
        }
    }

    private static StripResult Edit(ReadOnlyMemory<byte> value, IReadOnlyCollection<IPAddress> addresses)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(value.Span, documentOptions: new JsonDocumentOptions { MaxDepth = 64, AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            throw new StorageFormatException($"Service JSON is not valid: {e.Message}");
        }

        if (root is not JsonObject service) throw new StorageFormatException("Service JSON is not an object");
        List<string> external = [], ingress = [];
        if (service["spec"] is JsonObject spec && spec["externalIPs"] is JsonArray ips)
        {
            foreach (var item in ips.ToList())
            {
                if (item is JsonValue v && v.TryGetValue<string>(out var ip) && ServiceClaimRule.Holds(ip, addresses))
                {
                    external.Add(ip);
                    ips.Remove(item);
                }
            }

            if (ips.Count == 0) spec.Remove("externalIPs");
        }

        if (service["status"] is JsonObject status && status["loadBalancer"] is JsonObject lb && lb["ingress"] is JsonArray entries)
        {
            foreach (var item in entries.ToList())
            {
                if (item is JsonObject entry && entry["ip"] is JsonValue v && v.TryGetValue<string>(out var ip) && ServiceClaimRule.Holds(ip, addresses))
                {
                    ingress.Add(ip);
                    entries.Remove(item);
                }
            }

            if (entries.Count == 0) lb.Remove("ingress");
        }

        if (external.Count + ingress.Count == 0) return new StripResult(value.ToArray(), [], []);
        var text = service.ToJsonString(Compact);
        if (value.Span[^1] == (byte)'\n') text += "\n"; // the apiserver's JSON encoder ends values with a newline
        return new StripResult(System.Text.Encoding.UTF8.GetBytes(text), external, ingress);
    }
}
