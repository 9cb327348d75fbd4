using System.Globalization;
using System.Net;

namespace Lab.StandIns.Http;

/// <summary>--service-cluster-ip-range (IPv4 CIDR, default 10.96.0.0/12) and --service-node-port-range (30000-32767).</summary>
internal sealed record ServiceRanges(string Cidr, uint Network, uint Size, int NodePortMin, int NodePortMax)
{
    public static ServiceRanges Parse(string cidr, string nodePorts)
    {
        var slash = cidr.Split(',')[0].Split('/');
        if (slash.Length != 2 || !IPAddress.TryParse(slash[0], out var ip) || ip.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork
            || !int.TryParse(slash[1], NumberStyles.None, CultureInfo.InvariantCulture, out var bits) || bits is < 8 or > 30)
            throw new StartupException($"--service-cluster-ip-range={cidr}: expected an IPv4 CIDR from /8 to /30 such as 10.96.0.0/12");
        var size = 1u << (32 - bits);
        var network = ToUint(ip) & ~(size - 1);
        var ports = nodePorts.Split('-');
        if (ports.Length != 2 || !int.TryParse(ports[0], CultureInfo.InvariantCulture, out var min) || !int.TryParse(ports[1], CultureInfo.InvariantCulture, out var max)
            || min < 1 || max > 65535 || min > max)
            throw new StartupException($"--service-node-port-range={nodePorts}: expected FIRST-LAST such as 30000-32767");
        return new ServiceRanges($"{FromUint(network)}/{bits}", network, size, min, max);
    }

    public bool Contains(IPAddress ip) =>
        ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && ToUint(ip) - Network < Size;

    /// <summary>The i-th usable address: skips the network address; the broadcast address is never reached.</summary>
    public IPAddress Address(uint offset) => FromUint(Network + 1 + offset);

    /// <summary>The allocator's bit for an address of the range (null for the network and broadcast addresses).</summary>
    public int? Offset(IPAddress ip)
    {
        var n = ToUint(ip) - Network;
        return n >= 1 && n <= Usable ? (int)(n - 1) : null;
    }

    /// <summary>Usable addresses, as the real allocator counts them (without network and broadcast).</summary>
    public uint Usable => Size - 2;

    private static uint ToUint(IPAddress ip)
    {
        var b = ip.GetAddressBytes();
        return ((uint)b[0] << 24) | ((uint)b[1] << 16) | ((uint)b[2] << 8) | b[3];
    }

    private static IPAddress FromUint(uint n) => new([(byte)(n >> 24), (byte)(n >> 16), (byte)(n >> 8), (byte)n]);
}
