using System.Security.Cryptography;
using System.Text;
using Recovery.Inventory;

namespace Recovery.Access;

internal enum KnownHostMarker
{
    None,
    Revoked,
    CertAuthority,
}

/// <summary>
/// One key line of an OpenSSH known_hosts file. <see cref="Hosts"/> is the first field as written: a comma list of
/// names and patterns (`*`, `?`, `!negation`, `[host]:port`) or one hashed name `|1|salt|hmac-sha1`.
/// </summary>
internal sealed record KnownHostEntry(KnownHostMarker Marker, string Hosts, HostKey Key, int Line)
{
    private const string HashPrefix = "|1|";

    public bool IsHashed => Hosts.StartsWith(HashPrefix, StringComparison.Ordinal);

    /// <summary>Whether this entry names <paramref name="lookupName"/> (`host`, or `[host]:port` when the port is not 22).</summary>
    public bool Names(string lookupName)
    {
        lookupName = lookupName.ToLowerInvariant();
        return IsHashed ? HashedNameMatches(lookupName) : PatternListMatches(lookupName);
    }

    private bool HashedNameMatches(string lookupName)
    {
        var parts = Hosts[HashPrefix.Length..].Split('|');
        if (parts.Length != 2) return false;
        try
        {
            var salt = Convert.FromBase64String(parts[0]);
            var expected = Convert.FromBase64String(parts[1]);
            var actual = HMACSHA1.HashData(salt, Encoding.UTF8.GetBytes(lookupName));
            return CryptographicOperations.FixedTimeEquals(actual, expected);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    // As OpenSSH's match_hostname: any negated pattern that matches vetoes the whole list.
    private bool PatternListMatches(string lookupName) => HostPatterns.ListMatches(Hosts.Split(','), lookupName);
}
