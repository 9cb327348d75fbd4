using System.Net;
using System.Text;
using System.Text.Json;
using Recovery.Kubernetes;

namespace Recovery.Facts;

/// <summary>
/// Reads Service claims from `kubectl get services -A -o json` (a v1 List), and also from one Service object or
/// several printed one after the other (what kubectl prints for several objects given by file).
/// Only Services that claim at least one address (by <see cref="ServiceClaimRule"/>) are returned.
/// </summary>
internal static class KubectlServiceClaims
{
    /// <param name="watched">node and protected addresses: a ClusterIP equal to one is a claim as well.</param>
    public static IReadOnlyList<ServiceClaim> Parse(string json, string source, IReadOnlyCollection<IPAddress>? watched = null)
    {
        watched ??= [];
        var claims = new List<ServiceClaim>();
        var bytes = Encoding.UTF8.GetBytes(json);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { AllowMultipleValues = true, CommentHandling = JsonCommentHandling.Skip });
        try
        {
            while (reader.Read())
            {
                using var document = JsonDocument.ParseValue(ref reader);
                Collect(document.RootElement, source, watched, claims);
            }
        }
        catch (JsonException e)
        {
            throw new FormatException($"kubectl's Service list is not valid JSON ({e.Message}); expected the output of `kubectl get services -A -o json`", e);
        }
        return claims;
    }

    private static void Collect(JsonElement element, string source, IReadOnlyCollection<IPAddress> watched, List<ServiceClaim> claims)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty("kind", out var kind))
        {
            throw new FormatException("expected a Kubernetes object with a \"kind\" (the output of `kubectl get services -A -o json`)");
        }
        switch (kind.GetString())
        {
            case "List" or "ServiceList":
                if (element.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Array)
                {
                    foreach (var item in items.EnumerateArray()) Collect(item, source, watched, claims);
                }
                break;
            case "Service":
                if (ToClaim(element, source, watched) is { } claim) claims.Add(claim);
                break;
        }
    }

    private static List<ServicePort> Ports(JsonElement spec)
    {
        var ports = new List<ServicePort>();
        if (spec.ValueKind != JsonValueKind.Object || !spec.TryGetProperty("ports", out var entries) || entries.ValueKind != JsonValueKind.Array) return ports;
        foreach (var entry in entries.EnumerateArray())
        {
            var protocol = entry.TryGetProperty("protocol", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
            if (entry.TryGetProperty("port", out var n) && n.TryGetInt32(out var port) && ServicePort.FromSpec(protocol, port) is { } one) ports.Add(one);
        }
        return ports;
    }

    private static string Text(JsonElement parent, string field) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";

    private static ServiceClaim? ToClaim(JsonElement service, string source, IReadOnlyCollection<IPAddress> watched)
    {
        if (!service.TryGetProperty("metadata", out var metadata)) return null;
        var name = metadata.TryGetProperty("name", out var n) ? n.GetString() : null;
        var ns = metadata.TryGetProperty("namespace", out var s) ? s.GetString() : "default";
        if (name is null || ns is null) return null;
        var spec = service.TryGetProperty("spec", out var sp) && sp.ValueKind == JsonValueKind.Object ? sp : default;
        var owner = (Kubernetes.Storage.JsonObjectReader.ReadMeta(service), Text(spec, "type"), Text(spec, "loadBalancerClass"));
        return ServiceClaims.Of(new ServiceRef(ns, name), ServiceAddressFields.FromJson(service), source, watched, owner) is { } claim
            ? claim with { Ports = Ports(spec) }
            : null;
    }
}
