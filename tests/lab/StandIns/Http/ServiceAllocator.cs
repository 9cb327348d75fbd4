using System.Text.Json.Nodes;

namespace Lab.StandIns.Http;

/// <summary>
/// ClusterIPs from --service-cluster-ip-range and nodePorts from --service-node-port-range, picked at random
/// among those no stored Service uses. Unlike the real allocator it keeps no
/// bitmap in /registry/ranges/: the set in use is read from the Services themselves on each create.
/// </summary>
internal sealed class ServiceAllocator(IReadOnlyCollection<JsonObject> services, ServiceRanges ranges)
{
    public ServiceRanges Ranges => ranges;

    private readonly HashSet<string> _ips = services
        .SelectMany(s => (s["spec"]?["clusterIPs"] as JsonArray ?? []).Select(n => n?.ToString() ?? "")
            .Append(s["spec"]?["clusterIP"]?.ToString() ?? ""))
        .Where(ip => ip.Length > 0).ToHashSet();

    private readonly HashSet<int> _ports = services
        .SelectMany(s => (s["spec"]?["ports"] as JsonArray ?? []).Select(p => p?["nodePort"]?.GetValue<int>() ?? 0))
        .Where(p => p != 0).ToHashSet();

    public bool IpInUse(string ip) => _ips.Contains(ip);

    public bool PortInUse(int port) => _ports.Contains(port);

    public string NextIp()
    {
        while (true)
        {
            // Never the first usable address: the `kubernetes` Service's.
            var ip = ranges.Address(1 + (uint)Random.Shared.NextInt64(ranges.Usable - 1)).ToString();
            if (_ips.Add(ip))
                return ip;
        }
    }

    public int NextNodePort()
    {
        while (true)
        {
            var port = Random.Shared.Next(ranges.NodePortMin, ranges.NodePortMax + 1);
            if (_ports.Add(port))
                return port;
        }
    }

    public void Claim(string ip) => _ips.Add(ip);

    public void Claim(int port) => _ports.Add(port);
}
