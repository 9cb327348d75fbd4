using System.Net;
using System.Numerics;
using System.Text.Json.Nodes;

namespace Lab.StandIns.Http;

/// <summary>
/// ClusterIPs from --service-cluster-ip-range and nodePorts from --service-node-port-range, picked at random
/// among those neither a stored Service uses nor the etcd bitmaps (/registry/ranges/) still mark.
/// </summary>
internal sealed class ServiceAllocator(IReadOnlyCollection<JsonObject> services, ServiceRanges ranges, BigInteger? ipBits = null, BigInteger? portBits = null)
{
    public ServiceRanges Ranges => ranges;

    private readonly HashSet<string> _ips = services
        .SelectMany(s => (s["spec"]?["clusterIPs"] as JsonArray ?? []).Select(n => n?.ToString() ?? "")
            .Append(s["spec"]?["clusterIP"]?.ToString() ?? ""))
        .Where(ip => ip.Length > 0).ToHashSet();

    private readonly HashSet<int> _ports = services
        .SelectMany(s => (s["spec"]?["ports"] as JsonArray ?? []).Select(p => p?["nodePort"]?.GetValue<int>() ?? 0))
        .Where(p => p != 0).ToHashSet();

    /// <summary>In use by a stored Service, or still marked in the etcd bitmap (e.g. leaked, until the repair loop frees it).</summary>
    public bool IpInUse(string ip) =>
        _ips.Contains(ip) || (IPAddress.TryParse(ip, out var a) && ranges.Offset(a) is { } o && !((ipBits ?? 0) >> o).IsEven);

    public bool PortInUse(int port) =>
        _ports.Contains(port) || (port >= ranges.NodePortMin && !((portBits ?? 0) >> (port - ranges.NodePortMin)).IsEven);

    public string NextIp()
    {
        for (var attempt = 0; attempt < 100 * (long)ranges.Usable; attempt++)
        {
            // Never the first usable address: the `kubernetes` Service's.
            var ip = ranges.Address(1 + (uint)Random.Shared.NextInt64(ranges.Usable - 1)).ToString();
            if (!IpInUse(ip) && _ips.Add(ip))
                return ip;
        }
        throw new ApiError(500, "InternalError", $"Internal error occurred: failed to allocate a serviceIP: range is full ({ranges.Cidr})");
    }

    public int NextNodePort()
    {
        for (var attempt = 0; attempt < 100 * (ranges.NodePortMax - ranges.NodePortMin + 1); attempt++)
        {
            var port = Random.Shared.Next(ranges.NodePortMin, ranges.NodePortMax + 1);
            if (!PortInUse(port) && _ports.Add(port))
                return port;
        }
        throw new ApiError(500, "InternalError", $"Internal error occurred: failed to allocate a nodePort: range is full ({ranges.NodePortMin}-{ranges.NodePortMax})");
    }

    public void Claim(string ip) => _ips.Add(ip);

    public void Claim(int port) => _ports.Add(port);
}
