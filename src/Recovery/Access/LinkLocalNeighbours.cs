using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Recovery.Access;

/// <summary>The interface that holds this node's address, as IPv6 link-local sees it: its name, index and own fe80:: addresses.</summary>
internal sealed record LinkLocalInterface(string Name, int Index, IReadOnlyList<IPAddress> OwnAddresses)
{
    /// <summary>The interface holding ADDRESS here, or why there is no IPv6 link-local way on it (null Why: no interface here holds it).</summary>
    public static (LinkLocalInterface? Interface, string? Why) Holding(IPAddress address)
    {
        foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            var properties = nic.GetIPProperties();
            if (!properties.UnicastAddresses.Any(u => u.Address.Equals(address))) continue;
            var own = properties.UnicastAddresses.Select(u => u.Address).Where(a => a.IsIPv6LinkLocal).ToList();
            if (!nic.Supports(NetworkInterfaceComponent.IPv6) || own.Count == 0)
            {
                return (null, $"IPv6 is off on {nic.Name} (no fe80:: address), so nothing reaches around the hijack over link-local");
            }
            return (new LinkLocalInterface(nic.Name, properties.GetIPv6Properties().Index, own), $"{nic.Name} holds {address}");
        }
        return (null, null);
    }
}

/// <summary>
/// The nodes on this node's segment, found over IPv6 link-local, which the IPv4 hijack does not touch: an echo to
/// all-nodes (ff02::1) makes every neighbour answer from its fe80:: address, and the neighbour table keeps the ones
/// that answered. A neighbour is only an address: who it is, its SSH host key says (<see cref="HostKeyPolicy.Identify"/>).
/// </summary>
internal static partial class LinkLocalNeighbours
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// `ping -6 ff02::1%IF` (twice, 2 s at most), then `ip -6 neigh show dev IF`: ping's answers and the table, both read;
    /// then `ip -4 neigh show dev IF`, whose entries name the link-layer address each IPv4 neighbour last had.
    /// </summary>
    public static ShellCommand Command(string device) =>
        ShellCommand.Of("ping", "-6", "-n", "-c", "2", "-i", "0.2", "-w", "2", $"ff02::1%{device}")
            .Then(ShellCommand.Of("ip", "-6", "neigh", "show", "dev", device))
            .Then(ShellCommand.Of("ip", "-4", "neigh", "show", "dev", device));

    /// <summary>Runs the discovery on the local shell: the link-local addresses of the neighbours, scoped to the interface, and the table's link-layer addresses.</summary>
    public static async Task<NeighbourTable> FindAsync(INodeShell local, LinkLocalInterface nic, CancellationToken cancellationToken)
    {
        var result = await local.RunAsync(Command(nic.Name), Timeout, cancellationToken).ConfigureAwait(false);
        // A discovery that could not run or timed out found nothing: say so, never "no neighbour answered".
        if (result.ExitCode is 124 or 126 or 127) throw new NodeConnectException(local.Node.Name, $"neighbour discovery on {nic.Name} could not run or timed out (exit {result.ExitCode}): {result.StdErr.Trim()}");
        return new NeighbourTable(Parse(result.StdOut, nic), LinkAddresses(result.StdOut));
    }

    /// <summary>
    /// The link-layer address of every usable neighbour entry, IPv4 and fe80:: alike (scope left out). An IPv4 entry
    /// outlives the hijack for a while (the kernel keeps a stale entry until it needs the room), so it can point at the
    /// cut-off node's fe80:: address: a hint of which neighbour to ask first, never who it is.
    /// </summary>
    public static IReadOnlyDictionary<IPAddress, string> LinkAddresses(string output)
    {
        var found = new Dictionary<IPAddress, string>();
        foreach (var line in output.Split('\n'))
        {
            var m = LinkAddressEntry().Match(line);
            if (m.Success && IPAddress.TryParse(m.Groups["a"].Value, out var a)) found[a] = m.Groups["mac"].Value.ToLowerInvariant();
        }
        return found;
    }

    /// <summary>fe80:: addresses from ping's "from ADDR%IF:" lines and the table's usable entries, this node's own left out.</summary>
    public static IReadOnlyList<IPAddress> Parse(string output, LinkLocalInterface nic)
    {
        var found = new List<IPAddress>();
        foreach (var line in output.Split('\n'))
        {
            var m = PingReply().Match(line);
            if (!m.Success) m = NeighbourEntry().Match(line);
            if (!m.Success || !IPAddress.TryParse(m.Groups["a"].Value, out var a) || !a.IsIPv6LinkLocal) continue;
            var scoped = new IPAddress(a.GetAddressBytes(), nic.Index);
            if (nic.OwnAddresses.Any(o => o.GetAddressBytes().AsSpan().SequenceEqual(a.GetAddressBytes()))) continue;
            if (!found.Contains(scoped)) found.Add(scoped);
        }
        return found;
    }

    /// <summary>The address with its interface, as ssh and ping take it: fe80::1%eth0.</summary>
    public static string Describe(IPAddress address, LinkLocalInterface nic) =>
        $"{new IPAddress(address.GetAddressBytes())}%{nic.Name}";

    [GeneratedRegex(@"^\d+ bytes from (?<a>fe80:[0-9a-fA-F:]+)(%\S+)?:")]
    private static partial Regex PingReply();

    // FAILED and INCOMPLETE entries never answered; every other state (REACHABLE, STALE, DELAY, PROBE) did.
    [GeneratedRegex(@"^(?<a>fe80:[0-9a-fA-F:]+) (dev \S+ )?lladdr \S+( router)? (REACHABLE|STALE|DELAY|PROBE|PERMANENT|NOARP)\s*$")]
    private static partial Regex NeighbourEntry();

    [GeneratedRegex(@"^(?<a>[0-9a-fA-F:.]+) (dev \S+ )?lladdr (?<mac>[0-9a-fA-F:]+)( router)? (REACHABLE|STALE|DELAY|PROBE|PERMANENT|NOARP)\s*$")]
    private static partial Regex LinkAddressEntry();
}

/// <summary>What one neighbour discovery found: the fe80:: neighbours that answered, and the table's link-layer addresses.</summary>
internal sealed record NeighbourTable(IReadOnlyList<IPAddress> Neighbours, IReadOnlyDictionary<IPAddress, string> LinkAddresses)
{
    /// <summary>
    /// The neighbours at the link-layer address this node last had for one of ADDRESSES (IPv4): likely those nodes,
    /// to be asked first. Who each one is, its host key still decides.
    /// </summary>
    public IReadOnlyList<IPAddress> Likely(IEnumerable<IPAddress> addresses)
    {
        var macs = addresses.Select(a => LinkAddresses.GetValueOrDefault(a)).OfType<string>().ToHashSet(StringComparer.Ordinal);
        return [.. Neighbours.Where(n => LinkAddresses.GetValueOrDefault(new IPAddress(n.GetAddressBytes())) is { } mac && macs.Contains(mac))];
    }
}
