using System.Collections.Concurrent;
using System.Net;
using System.Net.NetworkInformation;
using Recovery.Addresses;
using Recovery.Inventory;

namespace Recovery.Access;

/// <summary>
/// The second way around the hijack, for a segment without IPv6: a spare address of this node's segment that the
/// operator gives (--spare-address). No node binds it, so replies to it are not kept by the hijack, and a connection
/// that leaves from it completes. It is added as a /32 to the interface holding this node's address only when a node
/// is cut off, after a check that nothing on the segment answers for it (<see cref="ArpProbe"/>), and removed when the run ends. One per
/// process: every connector of a run shares it (<see cref="Lease"/>, <see cref="ReleaseAllAsync"/>).
/// </summary>
internal sealed class SpareAddress
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly ConcurrentDictionary<IPAddress, SpareAddress> Leases = new();

    private readonly Node _console;
    private readonly Lazy<Task<string>> _added;
    private string? _device;
    private ArpAnnounce? _arp;

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

    private async Task<string> AddAsync()
    {
        var (device, segment) = Segment(_console.Address);
        if (segment.Within([Address]).Count == 0 || Address.Equals(segment.First) || Address.Equals(segment.Last))
        {
            throw new SpareAddressException($"{Address} is not a host address of {_console.Name}'s segment {segment.Text} on {device}: replies to it would not come back here");
        }
        if (HeldHere(Address) is { } here)
        {
            throw new SpareAddressException($"{Address} is already on {here} here: give an address no machine uses (if an interrupted kube-recover run left it, remove it with: ip addr del {HostPrefix.Of(Address)} dev {here})");
        }
        var shell = new LocalShell(_console);
        if (await Task.Run(() => ArpProbe.WhoHolds(Address, device)).ConfigureAwait(false) is { } holder)
        {
            throw new SpareAddressException($"{Address} is in use on the segment ({holder} answered for it on {device}): give an address no machine uses");
        }
        var arp = ArpAnnounce.Read(device);
        var add = await shell.RunAsync(ShellCommand.Of("ip", "addr", "add", HostPrefix.Of(Address), "dev", device), Timeout).ConfigureAwait(false);
        if (!add.Succeeded) throw new SpareAddressException($"adding {Address} to {device} failed (exit {add.ExitCode}): {add.StdErr.Trim()}");
        _device = device;
        var undo = $"ip addr del {HostPrefix.Of(Address)} dev {device}";
        if (arp.Strict)
        {
            try
            {
                arp.Relax();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new SpareAddressException($"arp_announce on {device} is {Math.Max(arp.All, arp.OnDevice)} (strict ARP), so the spare address would never be asked from, and lowering it to 1 failed: {e.Message}");
            }
            _arp = arp;
            undo += $"; {arp.RestoreCommand}";
        }
        // The first attempts from this node's own address left the neighbours unresolved (FAILED or INCOMPLETE, their
        // requests dropped as martian), and the kernel answers "no route to host" from such an entry for seconds: forget
        // them, so the next connection asks again, from the spare address.
        foreach (var state in new[] { "failed", "incomplete" })
        {
            var flush = await shell.RunAsync(ShellCommand.Of("ip", "neigh", "flush", "dev", device, "nud", state), Timeout).ConfigureAwait(false);
            if (!flush.Succeeded) Notice?.Invoke($"unresolved neighbours on {device} could not be flushed (exit {flush.ExitCode}: {flush.StdErr.Trim()}); connections from the spare address may fail for a few seconds");
        }
        Notice?.Invoke($"added the spare address {HostPrefix.Of(Address)} to {device} for this run (nothing on the segment answered for it)"
            + (arp.Strict ? $", and lowered arp_announce from 2 to 1 so its ARP requests come from it (strict ARP sends them from {_console.Address}, which the other nodes hold)" : "")
            + $"; put back when the run ends (if the run is killed: {undo})");
        return device;
    }

    /// <summary>
    /// Pins NODE's link address on this node's interface for the run. This node's own traffic to a cut-off node (its etcd
    /// member's heartbeats, kubelet, the first connection attempts) leaves from this node's address, and the kernel asks
    /// for the neighbour from the packet it queued first: a request the node drops as martian (it holds that address), so
    /// the entry fails for every packet, also the spare address's. A probe with an empty sender (RFC 5227) is answered;
    /// its answer is pinned only when exactly one machine gave one (more: a claim answered by several, left alone).
    /// </summary>
    public async Task PinAsync(IPAddress node)
    {
        var device = await EnsureAsync().ConfigureAwait(false);
        var holders = await Task.Run(() => ArpProbe.Holders(node, device)).ConfigureAwait(false);
        if (holders.Count != 1)
        {
            Notice?.Invoke(holders.Count == 0
                ? $"nothing on {device} answered for {node}: its link address is left to the kernel"
                : $"{holders.Count} machines answered for {node} on {device} ({string.Join(", ", holders)}): its link address is left to the kernel");
            return;
        }
        var pin = await new LocalShell(_console).RunAsync(ShellCommand.Of("ip", "neigh", "replace", node.ToString(), "lladdr", holders[0], "dev", device, "nud", "permanent"), Timeout).ConfigureAwait(false);
        if (!pin.Succeeded)
        {
            Notice?.Invoke($"{node}'s link address {holders[0]} could not be pinned on {device} (exit {pin.ExitCode}: {pin.StdErr.Trim()})");
            return;
        }
        lock (_pinned) _pinned.Add(node);
        Notice?.Invoke($"pinned {node}'s link address {holders[0]} on {device} for this run (its requests from {_console.Address} are dropped by the nodes that hold it); " +
                       $"removed when the run ends (if the run is killed: ip neigh del {node} dev {device})");
    }

    private readonly List<IPAddress> _pinned = [];

    private async Task RemoveAsync()
    {
        if (_device is null) return;
        List<IPAddress> pinned;
        lock (_pinned)
        {
            pinned = [.. _pinned];
            _pinned.Clear();
        }
        foreach (var node in pinned)
        {
            var unpin = ShellCommand.Of("ip", "neigh", "del", node.ToString(), "dev", _device);
            var undone = await new LocalShell(_console).RunAsync(unpin, Timeout).ConfigureAwait(false);
            if (!undone.Succeeded) Notice?.Invoke($"{node}'s pinned link address could not be removed (exit {undone.ExitCode}: {undone.StdErr.Trim()}); remove it with: {unpin.Render()}");
        }
        if (_arp is { } arp)
        {
            try
            {
                arp.Restore();
                Notice?.Invoke($"put arp_announce back on {arp.Device} (all {arp.All}, {arp.Device} {arp.OnDevice})");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Notice?.Invoke($"arp_announce could not be put back ({e.Message}); put it back with: {arp.RestoreCommand}");
            }
            _arp = null;
        }
        var del = ShellCommand.Of("ip", "addr", "del", HostPrefix.Of(Address), "dev", _device);
        var result = await new LocalShell(_console).RunAsync(del, Timeout).ConfigureAwait(false);
        Notice?.Invoke(result.Succeeded
            ? $"removed the spare address {HostPrefix.Of(Address)} from {_device}"
            : $"the spare address {HostPrefix.Of(Address)} could not be removed from {_device} (exit {result.ExitCode}: {result.StdErr.Trim()}); remove it with: {del.Render()}");
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
}

/// <summary>The spare address cannot be used: why, in one line for the operator.</summary>
internal sealed class SpareAddressException(string message) : Exception(message);
