using System.Collections.Concurrent;
using System.Net;
using System.Net.NetworkInformation;
using System.Text.RegularExpressions;
using Recovery.Addresses;
using Recovery.Commands;
using Recovery.Inventory;

namespace Recovery.Access;

/// <summary>
/// The second way around the hijack, for a segment without IPv6: a spare address of this node's segment that the
/// operator gives (--spare-address). No node binds it, so replies to it are not kept by the hijack, and a connection
/// that leaves from it completes. It is added as a /32 to the interface holding this node's address only when a node
/// is cut off, after a check that nothing on the segment answers for it, and removed when the run ends. One per
/// process: every connector of a run shares it (<see cref="Lease"/>, <see cref="ReleaseAllAsync"/>).
/// </summary>
internal sealed partial class SpareAddress
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly ConcurrentDictionary<IPAddress, SpareAddress> Leases = new();

    private readonly Node _console;
    private readonly Lazy<Task<string>> _added;
    private string? _device;

    private SpareAddress(IPAddress address, Node console)
    {
        Address = address;
        _console = console;
        _added = new Lazy<Task<string>>(AddAsync);
    }

    public IPAddress Address { get; }

    /// <summary>Hears printable lines about what was done with the address on this machine (added, removed, left behind).</summary>
    public static Action<string>? Notice { get; set; }

    /// <summary>The process's lease of ADDRESS on CONSOLE (the node this runs on).</summary>
    public static SpareAddress Lease(IPAddress address, Node console) => Leases.GetOrAdd(address, a => new SpareAddress(a, console));

    /// <summary>Removes every spare address this process added. Called once, when the command ends.</summary>
    public static async Task ReleaseAllAsync()
    {
        foreach (var lease in Leases.Values) await lease.RemoveAsync().ConfigureAwait(false);
        Leases.Clear();
    }

    /// <summary>The address, on this node's interface: checked and added the first time a connection needs it.</summary>
    /// <exception cref="SpareAddressException">Not on this node's segment, already on this machine, answered for on the segment, or the check could not run.</exception>
    public Task<string> EnsureAsync() => _added.Value;

    /// <summary>`ping` makes the kernel ask the segment for the address (ARP or neighbour solicitation: a host that drops
    /// ping still answers them), then the neighbour table says whether anyone did.</summary>
    public static ShellCommand Probe(IPAddress address, string device) =>
        ShellCommand.Of("ping", "-n", "-c", "1", "-W", "2", "-I", device, address.ToString())
            .Then(ShellCommand.Of("ip", "neigh", "show", "to", address.ToString(), "dev", device));

    /// <summary>Who answers for the address on the segment according to the probe's output (its link address), or null: nobody.</summary>
    /// <exception cref="SpareAddressException">The probe could not run (ping or ip missing, timed out, or ping's own error).</exception>
    public static string? AnsweredBy(CommandResult probe, IPAddress address)
    {
        if (probe.ExitCode is 124 or 126 or 127 or 137) throw new SpareAddressException($"the check that nothing on the segment answers for {address} could not run (exit {probe.ExitCode}): {probe.StdErr.Trim()}");
        var owner = probe.StdOut.Split('\n').Select(l => NeighbourEntry().Match(l.Trim())).FirstOrDefault(m => m.Success && m.Groups["a"].Value == address.ToString());
        if (owner is not null) return owner.Groups["mac"].Value;
        // ping exits 0 when it was answered, 1 when it was not; anything else is its own error (no such device, no route).
        return probe.ExitCode switch
        {
            0 => "an echo reply",
            1 => null,
            _ => throw new SpareAddressException($"the check that nothing on the segment answers for {address} failed (ping exit {probe.ExitCode}): {probe.StdErr.Trim()}"),
        };
    }

    private async Task<string> AddAsync()
    {
        var (device, segment) = Segment(_console.Address);
        if (segment.Within([Address]).Count == 0 || Address.Equals(segment.First) || Address.Equals(segment.Last))
        {
            throw new SpareAddressException($"{Address} is not a host address of {_console.Name}'s segment {segment.Text} on {device}: replies to it would not come back here");
        }
        if (HeldHere(Address) is { } here)
        {
            throw new SpareAddressException($"{Address} is already on {here} here: give an address no machine uses (if an interrupted kube-recover run left it, remove it with: ip addr del {IpvsInterface.HostPrefix(Address)} dev {here})");
        }
        var shell = new LocalShell(_console);
        var probe = await shell.RunAsync(Probe(Address, device), Timeout).ConfigureAwait(false);
        if (AnsweredBy(probe, Address) is { } answer)
        {
            throw new SpareAddressException($"{Address} is in use on the segment ({answer} answered for it on {device}): give an address no machine uses");
        }
        var add = await shell.RunAsync(ShellCommand.Of("ip", "addr", "add", IpvsInterface.HostPrefix(Address), "dev", device), Timeout).ConfigureAwait(false);
        if (!add.Succeeded) throw new SpareAddressException($"adding {Address} to {device} failed (exit {add.ExitCode}): {add.StdErr.Trim()}");
        _device = device;
        Notice?.Invoke($"added the spare address {IpvsInterface.HostPrefix(Address)} to {device} for this run (nothing on the segment answered for it); it is removed when the run ends (if the run is killed: ip addr del {IpvsInterface.HostPrefix(Address)} dev {device})");
        return device;
    }

    private async Task RemoveAsync()
    {
        if (_device is null) return;
        var del = ShellCommand.Of("ip", "addr", "del", IpvsInterface.HostPrefix(Address), "dev", _device);
        var result = await new LocalShell(_console).RunAsync(del, Timeout).ConfigureAwait(false);
        Notice?.Invoke(result.Succeeded
            ? $"removed the spare address {IpvsInterface.HostPrefix(Address)} from {_device}"
            : $"the spare address {IpvsInterface.HostPrefix(Address)} could not be removed from {_device} (exit {result.ExitCode}: {result.StdErr.Trim()}); remove it with: {del.Render()}");
        _device = null;
    }

    /// <summary>The interface holding this node's address and the segment its prefix spans.</summary>
    private static (string Device, AddressRange Segment) Segment(IPAddress address)
    {
        foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            var unicast = nic.GetIPProperties().UnicastAddresses.FirstOrDefault(u => u.Address.Equals(address));
            if (unicast is null) continue;
            return (nic.Name, AddressRange.Parse($"{address}/{unicast.PrefixLength}")!);
        }
        throw new SpareAddressException($"no interface here holds {address}: there is no segment to add a spare address to");
    }

    private static string? HeldHere(IPAddress address) => NetworkInterface.GetAllNetworkInterfaces()
        .FirstOrDefault(n => n.GetIPProperties().UnicastAddresses.Any(u => u.Address.Equals(address)))?.Name;

    // An entry with a link address in a live state: someone answered. FAILED and INCOMPLETE entries carry none.
    [GeneratedRegex(@"^(?<a>[0-9a-fA-F:.]+) (dev \S+ )?lladdr (?<mac>\S+)( router)? (REACHABLE|STALE|DELAY|PROBE|PERMANENT|NOARP)$")]
    private static partial Regex NeighbourEntry();
}

/// <summary>The spare address cannot be used: why, in one line for the operator.</summary>
internal sealed class SpareAddressException(string message) : Exception(message);
