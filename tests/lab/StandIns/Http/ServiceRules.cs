using System.Net;
using System.Text.RegularExpressions;
using System.Text.Json.Nodes;

namespace Lab.StandIns.Http;

/// <summary>
/// What the kube-apiserver's Service registry does on create and update (v1.20 behaviour): defaults (type,
/// sessionAffinity, protocol, targetPort, ipFamilies, externalTrafficPolicy), ClusterIP and nodePort
/// allocation, carry-over of allocated values on update, and the validation errors users meet most.
/// </summary>
internal static partial class ServiceRules
{
    private static readonly string[] Types = ["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"];
    private static readonly string[] Protocols = ["TCP", "UDP", "SCTP"];

    public static List<FieldError> Prepare(JsonObject svc, JsonObject? old, ServiceAllocator allocator)
    {
        var errors = new List<FieldError>();
        if (svc["spec"] is not JsonObject spec)
            svc["spec"] = spec = new JsonObject();
        var oldSpec = old?["spec"] as JsonObject;
        spec["type"] ??= "ClusterIP";
        var type = spec["type"]!.ToString();
        if (!Types.Contains(type))
            errors.Add(FieldError.Unsupported("spec.type", spec["type"], Types));
        if (type != "ExternalName")
            spec["sessionAffinity"] ??= "None";
        var ports = spec["ports"] as JsonArray ?? [];
        foreach (var p in ports.OfType<JsonObject>())
        {
            p["protocol"] ??= "TCP";
            if (p["targetPort"] is null || p["targetPort"]!.ToJsonString() == "0")
                p["targetPort"] = p["port"]?.DeepClone();
        }
        if (type is "ClusterIP" or "ExternalName")
        {
            // v1.20 drops what only NodePort/LoadBalancer use when the type no longer needs it.
            foreach (var p in ports.OfType<JsonObject>())
                p.Remove("nodePort");
            spec.Remove("externalTrafficPolicy");
            spec.Remove("healthCheckNodePort");
        }
        CarryOver(spec, oldSpec, type);
        errors.AddRange(ValidatePorts(ports, type, spec["clusterIP"]?.ToString()));
        errors.AddRange(ValidateAddresses(svc, spec));
        if (errors.Count == 0)
            errors.AddRange(Allocate(spec, oldSpec, type, allocator));
        return errors;
    }

    /// <summary>On update, values the server allocated stay unless the client changes them (which is refused).</summary>
    private static void CarryOver(JsonObject spec, JsonObject? oldSpec, string type)
    {
        if (oldSpec is null || type == "ExternalName")
            return;
        foreach (var name in new[] { "clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy" })
            if (spec[name] is null && oldSpec[name] is not null)
                spec[name] = oldSpec[name]!.DeepClone();
        if (type is not ("NodePort" or "LoadBalancer"))
            return;
        var oldPorts = (oldSpec["ports"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        foreach (var p in (spec["ports"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (p["nodePort"] is not null)
                continue;
            var match = oldPorts.FirstOrDefault(o => JsonNode.DeepEquals(o["port"], p["port"]) && JsonNode.DeepEquals(o["protocol"], p["protocol"]));
            if (match?["nodePort"] is { } np)
                p["nodePort"] = np.DeepClone();
        }
    }

    private static IEnumerable<FieldError> Allocate(JsonObject spec, JsonObject? oldSpec, string type, ServiceAllocator allocator)
    {
        if (type == "ExternalName")
        {
            spec.Remove("clusterIP");
            spec.Remove("clusterIPs");
            yield break;
        }
        var requested = spec["clusterIP"]?.ToString() ?? "";
        var oldIp = oldSpec?["clusterIP"]?.ToString() ?? "";
        if (oldSpec is not null && oldIp.Length > 0 && requested != oldIp)
        {
            yield return FieldError.InvalidValue("spec.clusterIP", spec["clusterIP"], "field is immutable");
            yield break;
        }
        if (requested.Length == 0)
        {
            requested = allocator.NextIp();
        }
        else if (requested != "None" && oldSpec is null)
        {
            if (!IPAddress.TryParse(requested, out var ip) || !allocator.Ranges.Contains(ip))
            {
                yield return FieldError.InvalidValue("spec.clusterIPs", new JsonArray(requested), $"failed to allocate IP {requested}: the provided IP ({requested}) is not in the valid range. The range of valid IPs is {allocator.Ranges.Cidr}");
                yield break;
            }
            if (allocator.IpInUse(requested))
            {
                yield return FieldError.InvalidValue("spec.clusterIPs", new JsonArray(requested), "failed to allocate IP " + requested + ": provided IP is already allocated");
                yield break;
            }
            allocator.Claim(requested);
        }
        spec["clusterIP"] = requested;
        spec["clusterIPs"] ??= new JsonArray(requested);
        spec["ipFamilies"] ??= new JsonArray("IPv4");
        spec["ipFamilyPolicy"] ??= "SingleStack";
        if (type is not ("NodePort" or "LoadBalancer"))
            yield break;
        spec["externalTrafficPolicy"] ??= "Cluster";
        var ports = spec["ports"] as JsonArray ?? [];
        var oldPorts = (oldSpec?["ports"] as JsonArray ?? []).Select(p => p?["nodePort"]?.GetValue<int>() ?? 0).ToHashSet();
        for (var i = 0; i < ports.Count; i++)
        {
            if (ports[i] is not JsonObject p)
                continue;
            var nodePort = p["nodePort"]?.GetValue<int>() ?? 0;
            if (nodePort == 0)
            {
                p["nodePort"] = allocator.NextNodePort();
            }
            else if (nodePort < allocator.Ranges.NodePortMin || nodePort > allocator.Ranges.NodePortMax)
            {
                yield return FieldError.InvalidValue($"spec.ports[{i}].nodePort", p["nodePort"], $"provided port is not in the valid range. The range of valid ports is {allocator.Ranges.NodePortMin}-{allocator.Ranges.NodePortMax}");
            }
            else if (!oldPorts.Contains(nodePort))
            {
                if (allocator.PortInUse(nodePort))
                    yield return FieldError.InvalidValue($"spec.ports[{i}].nodePort", p["nodePort"], "provided port is already allocated");
                allocator.Claim(nodePort);
            }
        }
    }

    private static IEnumerable<FieldError> ValidatePorts(JsonArray ports, string type, string? clusterIP)
    {
        if (ports.Count == 0 && type != "ExternalName" && clusterIP != "None")
            yield return FieldError.Required("spec.ports");
        var names = new HashSet<string>();
        var keys = new HashSet<string>();
        for (var i = 0; i < ports.Count; i++)
        {
            var at = $"spec.ports[{i}]";
            if (ports[i] is not JsonObject p)
            {
                yield return FieldError.InvalidValue(at, ports[i], "must be an object");
                continue;
            }
            var name = p["name"]?.ToString() ?? "";
            if (ports.Count > 1 && name.Length == 0)
                yield return FieldError.Required($"{at}.name");
            if (name.Length > 0 && !names.Add(name))
                yield return FieldError.Duplicate($"{at}.name", p["name"]);
            var port = p["port"] is JsonValue pv && pv.TryGetValue<int>(out var n) ? n : 0;
            if (port is < 1 or > 65535)
                yield return FieldError.InvalidValue($"{at}.port", p["port"], "must be between 1 and 65535, inclusive");
            var protocol = p["protocol"]?.ToString() ?? "";
            if (!Protocols.Contains(protocol))
                yield return FieldError.Unsupported($"{at}.protocol", p["protocol"], Protocols);
            if (!keys.Add($"{port}/{protocol}"))
                yield return FieldError.Duplicate(at, new JsonObject { ["port"] = port, ["protocol"] = protocol });
            var target = p["targetPort"];
            if (target is JsonValue tv && tv.TryGetValue<string>(out var targetName))
            {
                if (targetName.Length > 15 || !PortName().IsMatch(targetName))
                    yield return FieldError.InvalidValue($"{at}.targetPort", target, "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-), at most 15 characters, with at least one letter");
            }
            else if (target is not JsonValue tn || !tn.TryGetValue<int>(out var t) || t is < 1 or > 65535)
            {
                yield return FieldError.InvalidValue($"{at}.targetPort", target, "must be between 1 and 65535, inclusive");
            }
        }
    }

    private static IEnumerable<FieldError> ValidateAddresses(JsonObject svc, JsonObject spec)
    {
        var externalIPs = spec["externalIPs"] as JsonArray ?? [];
        for (var i = 0; i < externalIPs.Count; i++)
            if (NotUsable(externalIPs[i]?.ToString()) is { } why)
                yield return FieldError.InvalidValue($"spec.externalIPs[{i}]", externalIPs[i], why);
        if (spec["loadBalancerIP"]?.ToString() is { Length: > 0 } lbIp && !IPAddress.TryParse(lbIp, out _))
            yield return FieldError.InvalidValue("spec.loadBalancerIP", spec["loadBalancerIP"], "must be a valid IP address");
        var ingress = svc["status"]?["loadBalancer"]?["ingress"] as JsonArray ?? [];
        for (var i = 0; i < ingress.Count; i++)
            if (ingress[i]?["ip"]?.ToString() is { Length: > 0 } ip && !IPAddress.TryParse(ip, out _))
                yield return FieldError.InvalidValue($"status.loadBalancer.ingress[{i}].ip", ingress[i]!["ip"], "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)");
    }

    /// <summary>apimachinery's ValidateNonSpecialIP, which externalIPs must pass.</summary>
    private static string? NotUsable(string? text)
    {
        if (text is null || !IPAddress.TryParse(text, out var ip) || ip.ToString() != text)
            return "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)";
        if (ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any))
            return "may not be unspecified (0.0.0.0)";
        if (IPAddress.IsLoopback(ip))
            return "may not be in the loopback range (127.0.0.0/8, ::1/128)";
        var b = ip.GetAddressBytes();
        if ((b.Length == 4 && b[0] == 169 && b[1] == 254) || ip.IsIPv6LinkLocal)
            return "may not be in the link-local range (169.254.0.0/16, fe80::/10)";
        if (b.Length == 4 && b[0] == 224 && b[1] == 0 && b[2] == 0)
            return "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)";
        return null;
    }

    [GeneratedRegex("^(?=.*[a-z])[a-z0-9]([a-z0-9-]*[a-z0-9])?$")]
    private static partial Regex PortName();
}
