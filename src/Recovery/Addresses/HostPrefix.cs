using System.Net;
using System.Net.Sockets;

namespace Recovery.Addresses;

/// <summary>One address as a prefix of its own, as `ip` writes it: A/32, or A/128 for IPv6.</summary>
internal static class HostPrefix
{
    public static string Of(IPAddress address) => $"{address}/{(address.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32)}";
}
