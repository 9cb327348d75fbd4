using System.Net;

namespace Recovery.Kubernetes.Storage;

/// <summary>Compares an address as written in an object (text) with a parsed address.</summary>
internal static class AddressText
{
    public static bool Matches(string text, IPAddress address) =>
        IPAddress.TryParse(text.Trim(), out var parsed) && Normalise(parsed).Equals(Normalise(address));

    public static bool MatchesAny(string text, IReadOnlyCollection<IPAddress> addresses) => addresses.Any(a => Matches(text, a));

    private static IPAddress Normalise(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
