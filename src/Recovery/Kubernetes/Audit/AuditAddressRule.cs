using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Recovery.Kubernetes.Audit;

/// <summary>
/// The one place audit compares addresses and decides a claim (to be switched to KubernetesAddress and
/// ServiceClaimRule of Kubernetes/, merged on main meanwhile). Addresses are read as Kubernetes reads them (k8s.io/utils/net ParseIPSloppy, which
/// the API server's validation and kube-proxy both use): IPv4 dotted parts are decimal even with leading zeros
/// ("010.0.0.211" is 10.0.0.211, not octal 8.0.0.211 as .NET's parser reads it), and an IPv4-mapped IPv6 address
/// is its IPv4 address. A Service field or pool entry that is not an address (an LB hostname) claims nothing.
/// </summary>
internal static class AuditAddressRule
{
    /// <summary>The address <paramref name="text"/> names, if it is one of <paramref name="guarded"/>.</summary>
    public static IPAddress? Claimed(string? text, IReadOnlySet<IPAddress> guarded) =>
        TryParse(text, out var address) && guarded.Contains(address) ? address : null;

    /// <summary>The guarded addresses inside an LB pool's range, in their order.</summary>
    public static IReadOnlyList<IPAddress> InRange(AddressRange range, IEnumerable<IPAddress> guarded) =>
        guarded.Where(a => a.AddressFamily == range.First.AddressFamily
            && Compare(range.First, a) <= 0 && Compare(a, range.Last) <= 0).ToList();

    public static bool TryParse(string? text, out IPAddress address)
    {
        address = IPAddress.None;
        if (string.IsNullOrEmpty(text) || text.Contains('%') || text.Contains('/')) return false;
        if (!text.Contains(':')) return TryParseDottedDecimal(text, out address);
        var tail = text.LastIndexOf(':');
        var v6 = text;
        if (text.IndexOf('.', tail) > tail)
        {
            // An embedded IPv4 tail is read the same sloppy way, then handed to the IPv6 parser as two hex groups.
            if (!TryParseDottedDecimal(text[(tail + 1)..], out var v4)) return false;
            var b = v4.GetAddressBytes();
            v6 = $"{text[..(tail + 1)]}{b[0] << 8 | b[1]:x}:{b[2] << 8 | b[3]:x}";
        }
        if (!IPAddress.TryParse(v6, out var parsed) || parsed.AddressFamily != AddressFamily.InterNetworkV6) return false;
        address = parsed.IsIPv4MappedToIPv6 ? parsed.MapToIPv4() : parsed;
        return true;
    }

    private static bool TryParseDottedDecimal(string text, out IPAddress address)
    {
        address = IPAddress.None;
        var parts = text.Split('.');
        if (parts.Length != 4) return false;
        var bytes = new byte[4];
        for (var i = 0; i < 4; i++)
        {
            if (parts[i].Length == 0 || !parts[i].All(char.IsAsciiDigit)) return false;
            var trimmed = parts[i].TrimStart('0');
            if (trimmed.Length > 3 || !byte.TryParse(trimmed.Length == 0 ? "0" : trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out bytes[i])) return false;
        }
        address = new IPAddress(bytes);
        return true;
    }

    private static int Compare(IPAddress a, IPAddress b)
    {
        ReadOnlySpan<byte> x = a.GetAddressBytes(), y = b.GetAddressBytes();
        return x.SequenceCompareTo(y);
    }
}
