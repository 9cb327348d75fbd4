using System.Diagnostics.CodeAnalysis;
using System.Net;

namespace Recovery.Addresses;

/// <summary>
/// Addresses read the way Kubernetes reads them. Validation and the IPVS proxier parse with
/// `k8s.io/utils/net.ParseIPSloppy` (kubernetes/utils `net/parse.go`), which is Go's pre-1.17 `net.ParseIP`
/// forked into `internal/third_party/forked/golang/net/ip.go` (https://issue.k8s.io/100895):
/// - IPv4 is exactly four dotted parts, each DECIMAL digits (`dtoi`) of any length, leading zeros allowed, at most
///   255: `010.0.0.211` is 10.0.0.211. .NET's <see cref="IPAddress.TryParse(string?, out IPAddress?)"/> reads it
///   as octal (8.0.0.211) and accepts `10.1`, so it must not decide what a Service claims.
/// - IPv6 groups are hex (`xtoi`, leading zeros allowed, at most 0xFFFF), one `::`, an optional trailing dotted
///   IPv4 (read as above). Zones (`%eth0`) and surrounding spaces are refused.
/// - Go keeps every address in 16 bytes, so `::ffff:10.0.0.211` equals 10.0.0.211: mapped addresses come back as IPv4.
/// Every path that compares an address with a node's (the claim rule, the etcd strip, the kubectl fix, the
/// inventory and the CLI options) goes through here.
/// </summary>
internal static class KubernetesAddress
{
    /// <summary>ParseIPSloppy; an IPv4-mapped IPv6 address is returned as its IPv4 address.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        if (text is null) return false;
        foreach (var c in text)
        {
            if (c == '.') return (address = ParseV4(text)) is not null;
            if (c == ':') return (address = ParseV6(text)) is not null;
        }
        return false;
    }

    /// <summary>Whether two addresses are the same for Kubernetes (IPv4-mapped IPv6 equals its IPv4).</summary>
    public static bool Same(IPAddress a, IPAddress b) => Normalise(a).Equals(Normalise(b));

    /// <summary>Whether <paramref name="text"/>, read as Kubernetes reads it, is one of <paramref name="addresses"/>.</summary>
    public static bool IsAny(string? text, IEnumerable<IPAddress> addresses) =>
        TryParse(text, out var parsed) && addresses.Any(a => Same(parsed, a));

    public static IPAddress Normalise(IPAddress address) =>
        address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    /// <summary>
    /// An address an operator gives for a node, a target or a protected address: parsed as above, and not an
    /// address no node can hold (unspecified, broadcast, multicast).
    /// </summary>
    /// <param name="problem">why it was refused and what was expected, for the message that names the value.</param>
    public static bool TryParseHost(string text, [NotNullWhen(true)] out IPAddress? address, out string problem)
    {
        problem = "";
        if (!TryParse(text, out address))
        {
            problem = "is not an IP address; expected an IPv4 or IPv6 address such as 10.0.0.211 (no host names, zones or prefixes)";
            return false;
        }
        if (IPAddress.Any.Equals(address) || IPAddress.IPv6Any.Equals(address) || IPAddress.Broadcast.Equals(address) || IsMulticast(address))
        {
            problem = "is not an IP address a node can hold (unspecified, broadcast or multicast); expected a unicast IPv4 or IPv6 address such as 10.0.0.211";
            address = null;
            return false;
        }
        return true;
    }

    private static bool IsMulticast(IPAddress a) =>
        a.IsIPv6Multicast || (a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && a.GetAddressBytes()[0] is >= 224 and <= 239);

    private static IPAddress? ParseV4(ReadOnlySpan<char> s)
    {
        var bytes = new byte[4];
        return ParseV4Into(s, bytes) ? new IPAddress(bytes) : null;
    }

    /// <summary>Go's parseIPv4 without the go-1.17 leading-zero check: four decimal parts, each at most 255.</summary>
    private static bool ParseV4Into(ReadOnlySpan<char> s, Span<byte> into)
    {
        for (var i = 0; i < 4; i++)
        {
            if (s.IsEmpty) return false;
            if (i > 0)
            {
                if (s[0] != '.') return false;
                s = s[1..];
            }
            if (!Number(s, 10, 0xFF, out var n, out var used)) return false;
            into[i] = (byte)n;
            s = s[used..];
        }
        return s.IsEmpty;
    }

    /// <summary>Go's parseIPv6: hex groups, at most one "::", an optional trailing dotted IPv4 in the last 32 bits.</summary>
    private static IPAddress? ParseV6(ReadOnlySpan<char> s)
    {
        var ip = new byte[16];
        var ellipsis = -1;
        if (s.Length >= 2 && s[0] == ':' && s[1] == ':')
        {
            ellipsis = 0;
            s = s[2..];
            if (s.IsEmpty) return new IPAddress(ip);
        }
        var i = 0;
        while (i < 16)
        {
            if (!Number(s, 16, 0xFFFF, out var n, out var used)) return null;
            if (used < s.Length && s[used] == '.')
            {
                if ((ellipsis < 0 && i != 12) || i + 4 > 16) return null;
                if (!ParseV4Into(s, ip.AsSpan(i, 4))) return null;
                s = [];
                i += 4;
                break;
            }
            ip[i] = (byte)(n >> 8);
            ip[i + 1] = (byte)n;
            i += 2;
            s = s[used..];
            if (s.IsEmpty) break;
            if (s[0] != ':' || s.Length == 1) return null;
            s = s[1..];
            if (s[0] == ':')
            {
                if (ellipsis >= 0) return null;
                ellipsis = i;
                s = s[1..];
                if (s.IsEmpty) break;
            }
        }
        if (!s.IsEmpty) return null;
        if (i < 16)
        {
            if (ellipsis < 0) return null;
            var gap = 16 - i;
            for (var j = i - 1; j >= ellipsis; j--) ip[j + gap] = ip[j];
            for (var j = ellipsis + gap - 1; j >= ellipsis; j--) ip[j] = 0;
        }
        else if (ellipsis >= 0)
        {
            return null; // "::" must stand for at least one group
        }
        var address = new IPAddress(ip);
        return address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
    }

    /// <summary>Go's dtoi/xtoi: at least one digit; any count of leading zeros; refused above <paramref name="max"/>.</summary>
    private static bool Number(ReadOnlySpan<char> s, int radix, int max, out int value, out int used)
    {
        value = 0;
        used = 0;
        while (used < s.Length && Digit(s[used], radix) is var d and >= 0)
        {
            value = value * radix + d;
            used++;
            if (value > max) return false;
        }
        return used > 0;
    }

    private static int Digit(char c, int radix) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' when radix == 16 => c - 'a' + 10,
        >= 'A' and <= 'F' when radix == 16 => c - 'A' + 10,
        _ => -1,
    };
}
