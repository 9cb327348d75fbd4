using System.Net;
using System.Text;
using System.Text.Json;
using Recovery.Kubernetes;

namespace Recovery.Diagnosis;

/// <summary>
/// Reads Service claims from `kubectl get services -A -o json` (a v1 List), and also from one Service object or
/// several printed one after the other (what kubectl prints for several objects given by file).
/// Only Services that claim at least one address are returned; hostnames in LB ingress are not addresses and are skipped.
/// </summary>
public static class KubectlServiceClaims
{
    public static IReadOnlyList<ServiceClaim> Parse(string json, string source)
    {
        var claims = new List<ServiceClaim>();
        var bytes = Encoding.UTF8.GetBytes(json);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { AllowMultipleValues = true, CommentHandling = JsonCommentHandling.Skip });
        try
        {
            while (reader.Read())
            {
                using var document = JsonDocument.ParseValue(ref reader);
                Collect(document.RootElement, source, claims);
            }
        }
        catch (JsonException e)
        {
            throw new FormatException($"kubectl's Service list is not valid JSON ({e.Message}); expected the output of `kubectl get services -A -o json`", e);
        }
        return claims;
    }

    private static void Collect(JsonElement element, string source, List<ServiceClaim> claims)
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
                    foreach (var item in items.EnumerateArray()) Collect(item, source, claims);
                }
                break;
            case "Service":
                if (ToClaim(element, source) is { } claim) claims.Add(claim);
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

    private static ServiceClaim? ToClaim(JsonElement service, string source)
    {
        if (!service.TryGetProperty("metadata", out var metadata)) return null;
        var name = metadata.TryGetProperty("name", out var n) ? n.GetString() : null;
        var ns = metadata.TryGetProperty("namespace", out var s) ? s.GetString() : "default";
        if (name is null || ns is null) return null;

        var external = new List<IPAddress>();
        if (service.TryGetProperty("spec", out var spec) && spec.TryGetProperty("externalIPs", out var ips) && ips.ValueKind == JsonValueKind.Array)
        {
            foreach (var ip in ips.EnumerateArray())
            {
                if (IPAddress.TryParse(ip.GetString(), out var a)) external.Add(a);
            }
        }
        var ingress = new List<IPAddress>();
        if (service.TryGetProperty("status", out var status) && status.TryGetProperty("loadBalancer", out var lb)
            && lb.TryGetProperty("ingress", out var entries) && entries.ValueKind == JsonValueKind.Array)
        {
            foreach (var entry in entries.EnumerateArray())
            {
                if (entry.TryGetProperty("ip", out var ip) && IPAddress.TryParse(ip.GetString(), out var a)) ingress.Add(a);
            }
        }
        if (external.Count == 0 && ingress.Count == 0) return null;
        return new ServiceClaim(new ServiceRef(ns, name), external, ingress, source) { Ports = Ports(spec) };
    }
}
