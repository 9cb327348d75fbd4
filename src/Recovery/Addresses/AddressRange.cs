using System.Net;
using System.Net.Sockets;
using Recovery.Addresses;

namespace Recovery.Addresses;

/// <summary>
/// One entry of a MetalLB address pool: a CIDR ("10.0.0.0/24") or an inclusive range ("10.0.0.200-10.0.0.250",
/// spaces around the dash allowed), as MetalLB's config parser accepts them (metallb internal/config parseCIDR).
/// </summary>
internal sealed record AddressRange(string Text, IPAddress First, IPAddress Last)
{
    public static AddressRange? Parse(string text)
    {
        var t = text.Trim();
        var dash = t.IndexOf('-', StringComparison.Ordinal);
        if (dash > 0)
        {
            return KubernetesAddress.TryParse(t[..dash].Trim(), out var first) && KubernetesAddress.TryParse(t[(dash + 1)..].Trim(), out var last)
                && first.AddressFamily == last.AddressFamily ? new AddressRange(t, first, last) : null;
        }
        var slash = t.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !KubernetesAddress.TryParse(t[..slash], out var network) || !int.TryParse(t[(slash + 1)..], out var bits)) return null;
        var bytes = network.GetAddressBytes();
        if (bits < 0 || bits > bytes.Length * 8) return null;
        byte[] low = (byte[])bytes.Clone(), high = (byte[])bytes.Clone();
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(bits - i * 8, 0, 8);
            var mask = (byte)(0xFF << (8 - keep));
            low[i] = (byte)(bytes[i] & mask);
            high[i] = (byte)(bytes[i] | ~mask);
        }
        return new AddressRange(t, new IPAddress(low), new IPAddress(high));
    }

    public bool IsIPv4 => First.AddressFamily == AddressFamily.InterNetwork;

    /// <summary>The addresses of <paramref name="addresses"/> inside this range, in their order.</summary>
    public IReadOnlyList<IPAddress> Within(IEnumerable<IPAddress> addresses) =>
        addresses.Where(a => a.AddressFamily == First.AddressFamily && Compare(First, a) <= 0 && Compare(a, Last) <= 0).ToList();

    private static int Compare(IPAddress a, IPAddress b) => a.GetAddressBytes().AsSpan().SequenceCompareTo(b.GetAddressBytes());
}
