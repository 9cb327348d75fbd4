using System.Net;
using System.Text.Json.Nodes;

namespace Lab.StandIns.Http;

/// <summary>
/// ClusterIPs from 10.96.0.0/12 (kubeadm's default --service-cluster-ip-range) and nodePorts from
/// 30000-32767, picked at random among those no stored Service uses. Unlike the real allocator it keeps no
/// bitmap in /registry/ranges/: the set in use is read from the Services themselves on each create.
/// </summary>
internal sealed class ServiceAllocator(IReadOnlyCollection<JsonObject> services)
{
    private const uint RangeStart = (10u << 24) | (96u << 16); // 10.96.0.0
    private const uint RangeSize = 1u << 20;                    // /12

    private readonly HashSet<string> _ips = services
        .SelectMany(s => (s["spec"]?["clusterIPs"] as JsonArray ?? []).Select(n => n?.ToString() ?? "")
            .Append(s["spec"]?["clusterIP"]?.ToString() ?? ""))
        .Where(ip => ip.Length > 0).ToHashSet();

    private readonly HashSet<int> _ports = services
        .SelectMany(s => (s["spec"]?["ports"] as JsonArray ?? []).Select(p => p?["nodePort"]?.GetValue<int>() ?? 0))
        .Where(p => p != 0).ToHashSet();

    public static bool InRange(IPAddress ip)
    {
        if (ip.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
            return false;
        var b = ip.GetAddressBytes();
        var n = ((uint)b[0] << 24) | ((uint)b[1] << 16) | ((uint)b[2] << 8) | b[3];
        return n - RangeStart < RangeSize;
    }

    public bool IpInUse(string ip) => _ips.Contains(ip);

    public bool PortInUse(int port) => _ports.Contains(port);

    public string NextIp()
    {
        while (true)
        {
            // Skip the network address, the broadcast address and .1 (the `kubernetes` Service's).
            var n = RangeStart + 2 + (uint)Random.Shared.NextInt64(RangeSize - 3);
            var ip = new IPAddress([(byte)(n >> 24), (byte)(n >> 16), (byte)(n >> 8), (byte)n]).ToString();
            if (_ips.Add(ip))
                return ip;
        }
    }

    public int NextNodePort()
    {
        while (true)
        {
            var port = Random.Shared.Next(30000, 32768);
            if (_ports.Add(port))
                return port;
        }
    }

    public void Claim(string ip) => _ips.Add(ip);

    public void Claim(int port) => _ports.Add(port);
}
