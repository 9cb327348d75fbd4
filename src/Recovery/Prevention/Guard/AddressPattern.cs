using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Recovery.Addresses;
using Recovery.Prevention.Audit;

namespace Recovery.Prevention.Guard;

/// <summary>
/// RE2 patterns (CEL `matches`) for guarded addresses and IPv4 CIDRs that work without CEL's ip()/cidr() (Kubernetes
/// 1.31+): IPv4 dotted parts compared as decimal numbers with any leading zeros, as ParseIPSloppy reads them
/// ("010.0.0.211"); IPv6 in every spelling (hex case, leading zeros, "::" over any run of zero groups). IPv4-mapped
/// and dotted-tail IPv6 spellings are not enumerated: the policy refuses them all (<see cref="MappedSpelling"/>).
/// No backslashes ("[.]" for a dot), so the pattern reads the same in CEL, YAML and C#.
/// </summary>
internal static class AddressPattern
{
    /// <summary>
    /// Any IPv6 spelling that carries an IPv4 address (::ffff:a.b.c.d, ::ffff:a00:d3, 64:ff9b::a.b.c.d); the ffff group
    /// with leading zeros too (::0ffff:a00:d3), as ParseIPSloppy reads hex groups.
    /// </summary>
    public const string MappedSpelling = "(?i)^[0:]*:0*ffff:|^[0-9a-f:]*:[0-9.]*[.]";

    /// <summary>One anchored, case-insensitive pattern matching every spelling of any of <paramref name="targets"/>.</summary>
    public static string Matching(IEnumerable<GuardTarget> targets)
    {
        var alternatives = targets.SelectMany(t => t.Range is { } r ? [Ipv4Cidr(r)] : Spellings(t.Address!)).Distinct().ToList();
        if (alternatives.Count == 0) throw new ArgumentException("nothing to guard", nameof(targets));
        return $"(?i)^(?:{string.Join("|", alternatives)})$";
    }

    private static IEnumerable<string> Spellings(IPAddress address) => address.AddressFamily == AddressFamily.InterNetwork
        ? [string.Join("[.]", address.GetAddressBytes().Select(b => $"0*{b}"))]
        : Ipv6Spellings(address);

    /// <summary>Full form and every "::" compression of a run of zero groups; each group with optional leading zeros.</summary>
    private static IEnumerable<string> Ipv6Spellings(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        var groups = Enumerable.Range(0, 8).Select(i => bytes[2 * i] << 8 | bytes[2 * i + 1]).ToArray();
        string Group(int g) => g == 0 ? "0+" : $"0*{g.ToString("x", CultureInfo.InvariantCulture)}";
        string Join(int from, int to) => string.Join(":", groups[from..to].Select(Group));
        yield return Join(0, 8);
        for (var start = 0; start < 8; start++)
        {
            for (var end = start + 1; end <= 8 && groups[end - 1] == 0; end++)
            {
                yield return $"{Join(0, start)}::{Join(end, 8)}";
            }
        }
    }

    /// <summary>Each octet fixed, a range of decimal values, or any number, by the prefix length.</summary>
    private static string Ipv4Cidr(AddressRange range)
    {
        byte[] first = range.First.GetAddressBytes(), last = range.Last.GetAddressBytes();
        return string.Join("[.]", Enumerable.Range(0, 4).Select(i =>
            first[i] == last[i] ? $"0*{first[i]}"
            : first[i] == 0 && last[i] == 255 ? "[0-9]+"
            : $"0*(?:{string.Join("|", Enumerable.Range(first[i], last[i] - first[i] + 1))})"));
    }
}
