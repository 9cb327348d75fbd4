using System.Net;

namespace Recovery.Inventory.SshConfig;

/// <summary>
/// One hop of a ProxyJump value (ssh_config(5)): `[user@]host[:port]` or `ssh://[user@]host[:port]`, an IPv6 address
/// in brackets (`[fd00::1]:2222`). A value is a comma-separated chain, visited in order; `none` is no jump at all.
/// </summary>
internal sealed record JumpSpec(string? User, string Host, int? Port)
{
    public override string ToString() => $"{(User is null ? "" : User + "@")}{(Host.Contains(':') ? $"[{Host}]" : Host)}{(Port is { } p ? $":{p}" : "")}";

    /// <returns>The hops, first first; empty for `none`.</returns>
    /// <exception cref="FormatException">A hop that is not `[user@]host[:port]`; the message says which.</exception>
    public static IReadOnlyList<JumpSpec> ParseChain(string value)
    {
        if (value.Equals("none", StringComparison.OrdinalIgnoreCase)) return [];
        return [.. value.Split(',').Select(Parse)];
    }

    private static JumpSpec Parse(string hop)
    {
        var text = hop.StartsWith("ssh://", StringComparison.OrdinalIgnoreCase) ? hop[6..].TrimEnd('/') : hop;
        string? user = null;
        var at = text.LastIndexOf('@');
        if (at >= 0)
        {
            user = text[..at];
            text = text[(at + 1)..];
            if (!SshUserName.IsValid(user)) throw Bad(hop, $"'{SafeUser(user)}' is not a user name");
        }
        string host;
        string? portText = null;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']');
            if (close < 0) throw Bad(hop, "an unclosed '['");
            host = text[1..close];
            var after = text[(close + 1)..];
            if (after.Length > 0 && !after.StartsWith(':')) throw Bad(hop, $"'{after}' after ']'");
            if (after.Length > 0) portText = after[1..];
        }
        else
        {
            var colon = text.IndexOf(':');
            host = colon < 0 ? text : text[..colon];
            if (colon >= 0) portText = text[(colon + 1)..];
        }
        if (!IsHost(host)) throw Bad(hop, $"'{Logging.SafeText.Of(host)}' is not a host name or address");
        int? port = null;
        if (portText is not null)
        {
            if (!int.TryParse(portText, System.Globalization.NumberStyles.None, null, out var p) || p is < 1 or > 65535)
                throw Bad(hop, $"'{Logging.SafeText.Of(portText)}' is not a TCP port (1-65535)");
            port = p;
        }
        return new JumpSpec(user, host, port);
    }

    /// <summary>An IP address or a DNS name: what a connection may be opened to, and what reaches a jump host's forward request.</summary>
    public static bool IsHost(string host) =>
        host.Length is > 0 and <= 253 && (IPAddress.TryParse(host, out _) || Uri.CheckHostName(host) == UriHostNameType.Dns);

    private static string SafeUser(string user) => Logging.SafeText.Of(user);

    private static FormatException Bad(string hop, string why) =>
        new($"'{Logging.SafeText.Of(hop)}': {why}; expected [user@]host[:port], several separated by commas, or none");
}
