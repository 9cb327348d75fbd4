using System.Text.Json;

namespace Recovery.Kubernetes;

/// <summary>
/// The address fields of one Service as text, exactly as stored in etcd or printed by kubectl, before any parsing:
/// what <see cref="ServiceClaimRule"/> decides on.
/// </summary>
internal sealed record ServiceAddressFields(
    IReadOnlyList<string> ExternalIPs,
    IReadOnlyList<string> IngressIPs,
    string? LoadBalancerIP,
    IReadOnlyList<string> ClusterIPs)
{
    /// <summary>
    /// The fields of a Service in JSON as kubectl prints it (the API's JSON form); hostnames in LB ingress have no "ip"
    /// and are kept as "" (claiming nothing); an object without spec.clusterIPs (before v1.20) gives spec.clusterIP.
    /// </summary>
    public static ServiceAddressFields FromJson(JsonElement service)
    {
        var spec = service.TryGetProperty("spec", out var sp) && sp.ValueKind == JsonValueKind.Object ? sp : default;
        var ingress = service.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.Object
            && status.TryGetProperty("loadBalancer", out var lb) && lb.ValueKind == JsonValueKind.Object
            && lb.TryGetProperty("ingress", out var entries) && entries.ValueKind == JsonValueKind.Array
            // An entry without "ip" (a hostname) stays as "" so each entry keeps its position; "" claims nothing.
            ? entries.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("ip", out var ip) ? Text(ip) ?? "" : "").ToList()
            : [];
        var clusterIPs = Strings(spec, "clusterIPs");
        return new ServiceAddressFields(
            Strings(spec, "externalIPs"),
            ingress,
            Strings(spec, "loadBalancerIP").FirstOrDefault(),
            clusterIPs.Count > 0 ? clusterIPs : Strings(spec, "clusterIP"));
    }

    /// <summary>A string field, or a list of strings; anything else is nothing.</summary>
    private static IReadOnlyList<string> Strings(JsonElement parent, string field)
    {
        if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(field, out var value)) return [];
        return value.ValueKind switch
        {
            JsonValueKind.Array => value.EnumerateArray().Select(Text).OfType<string>().ToList(),
            JsonValueKind.String => [value.GetString()!],
            _ => [],
        };
    }

    private static string? Text(JsonElement e) => e.ValueKind == JsonValueKind.String ? e.GetString() : null;
}
