using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Recovery.Inventory;

/// <summary>
/// Node names are DNS-1123 subdomains (lowercase labels joined by dots), as Kubernetes requires of Node objects;
/// hostnames like `master1.example.com` are common node names, so subdomains, not only single labels, are accepted.
/// Everything else (spaces, shell metacharacters, uppercase, non-ASCII) is refused.
/// </summary>
public static partial class NodeNames
{
    public static bool IsValid(string name) => name.Length <= 253 && Subdomain().IsMatch(name);

    /// <summary>Only IPv4 and IPv6 unicast addresses in their canonical forms; no host names, no zone ids.</summary>
    public static bool TryParseAddress(string text, out IPAddress address)
    {
        address = IPAddress.None;
        if (!IPAddress.TryParse(text, out var parsed)) return false;
        if (parsed.AddressFamily == AddressFamily.InterNetwork && parsed.ToString() != text) return false; // refuses "10.1" or "010.0.0.1"
        if (parsed.AddressFamily == AddressFamily.InterNetworkV6 && (parsed.ScopeId != 0 || text.Contains('%'))) return false;
        if (IPAddress.Any.Equals(parsed) || IPAddress.IPv6Any.Equals(parsed) || IPAddress.Broadcast.Equals(parsed)) return false;
        address = parsed;
        return true;
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$")]
    private static partial Regex Subdomain();
}
