using System.Net;
using System.Net.NetworkInformation;
using System.Runtime.InteropServices;

namespace Recovery.Access;

/// <summary>
/// Whether any machine on a segment holds an IPv4 address, asked the way RFC 5227's address conflict detection asks:
/// ARP requests whose sender address is 0.0.0.0, sent on the interface as raw frames. A request that `ping` makes the
/// kernel send carries this node's own address as its sender, which every node holding that address (at the owner's
/// console: every other node of the cluster) drops as martian; a probe's empty sender is answered by all of them.
/// </summary>
internal static partial class ArpProbe
{
    private const int AfPacket = 17;
    private const int SockDgram = 2;
    private const ushort EthPArp = 0x0806;
    private const short PollIn = 1;
    private const int Eintr = 4;
    private const int Probes = 3;
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan Listen = TimeSpan.FromMilliseconds(1500);

    /// <summary>The link address of a machine that answered for ADDRESS on DEVICE, or null when none did.</summary>
    /// <exception cref="SpareAddressException">The probe could not be sent (no such interface, no raw socket: not root).</exception>
    public static string? WhoHolds(IPAddress address, string device) => Answering(address, device, firstOnly: true).FirstOrDefault();

    /// <summary>Every distinct link address that answered for ADDRESS on DEVICE within the whole listening window.</summary>
    /// <exception cref="SpareAddressException">The probe could not be sent (no such interface, no raw socket: not root).</exception>
    public static IReadOnlyList<string> Holders(IPAddress address, string device) => Answering(address, device, firstOnly: false);

    private static List<string> Answering(IPAddress address, string device, bool firstOnly)
    {
        var holders = new List<string>();
        var nic = NetworkInterface.GetAllNetworkInterfaces().FirstOrDefault(n => n.Name == device)
            ?? throw new SpareAddressException($"no interface {device} here to send the address check on");
        var index = nic.GetIPProperties().GetIPv4Properties()?.Index ?? throw new SpareAddressException($"{device} has no IPv4");
        var mac = nic.GetPhysicalAddress().GetAddressBytes();
        if (mac.Length != 6) throw new SpareAddressException($"{device} is not an Ethernet interface: ARP cannot check {address} there");

        var fd = Native.Socket(AfPacket, SockDgram, Network(EthPArp));
        if (fd < 0) throw new SpareAddressException($"the address check needs a raw socket on {device} (run as root): errno {Marshal.GetLastPInvokeError()}");
        try
        {
            if (Native.Bind(fd, LinkAddress(index, [0, 0, 0, 0, 0, 0]), 20) != 0)
                throw new SpareAddressException($"the address check could not bind to {device}: errno {Marshal.GetLastPInvokeError()}");
            var request = Request(mac, address);
            var broadcast = LinkAddress(index, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var sent = 0;
            var buffer = new byte[256];
            while (clock.Elapsed < Listen)
            {
                if (sent < Probes && clock.Elapsed >= Interval * sent)
                {
                    if (Native.SendTo(fd, request, request.Length, 0, broadcast, 20) != request.Length)
                        throw new SpareAddressException($"the address check could not send on {device}: errno {Marshal.GetLastPInvokeError()}");
                    sent++;
                }
                var wait = (int)Math.Max(1, Math.Min((Interval * sent - clock.Elapsed).TotalMilliseconds, (Listen - clock.Elapsed).TotalMilliseconds));
                var poll = new PollFd { Fd = fd, Events = PollIn };
                var ready = Native.Poll(ref poll, 1, sent < Probes ? wait : (int)Math.Max(1, (Listen - clock.Elapsed).TotalMilliseconds));
                // A listen that fails is a check that did not run: never "nobody answered" (EINTR only is tried again).
                if (ready < 0 && Marshal.GetLastPInvokeError() != Eintr) throw new SpareAddressException($"the address check could not listen on {device}: errno {Marshal.GetLastPInvokeError()}");
                if (ready <= 0) continue;
                var length = Native.Recv(fd, buffer, buffer.Length, 0);
                if (length < 0 && Marshal.GetLastPInvokeError() != Eintr) throw new SpareAddressException($"the address check could not read on {device}: errno {Marshal.GetLastPInvokeError()}");
                if (length >= 28 && Holder(buffer.AsSpan(0, (int)length), mac, address) is { } holder && !holders.Contains(holder))
                {
                    holders.Add(holder);
                    if (firstOnly) return holders;
                }
            }
            return holders;
        }
        finally
        {
            _ = Native.Close(fd);
        }
    }

    /// <summary>The sender of an ARP packet that shows someone holds ADDRESS: a reply from it, or a request it sent as its own.</summary>
    public static string? Holder(ReadOnlySpan<byte> arp, ReadOnlySpan<byte> ownMac, IPAddress address)
    {
        if (arp.Length < 28 || arp[0] != 0 || arp[1] != 1 || arp[2] != 0x08 || arp[3] != 0 || arp[4] != 6 || arp[5] != 4) return null;
        var sender = arp.Slice(8, 6);
        if (sender.SequenceEqual(ownMac)) return null;
        return arp.Slice(14, 4).SequenceEqual(address.GetAddressBytes()) ? string.Join(':', sender.ToArray().Select(b => b.ToString("x2"))) : null;
    }

    /// <summary>An ARP probe (RFC 5227): who has ADDRESS, from this MAC, sender address 0.0.0.0.</summary>
    public static byte[] Request(byte[] mac, IPAddress address)
    {
        var p = new byte[28];
        p[1] = 1;                 // Ethernet
        p[2] = 0x08;              // IPv4
        p[4] = 6;
        p[5] = 4;
        p[7] = 1;                 // request
        mac.CopyTo(p, 8);         // sender MAC; sender IP 0.0.0.0; target MAC zero
        address.GetAddressBytes().CopyTo(p, 24);
        return p;
    }

    private static ushort Network(ushort value) => (ushort)IPAddress.HostToNetworkOrder((short)value);

    /// <summary>struct sockaddr_ll: family, protocol (network order), ifindex, hatype, pkttype, halen, addr[8].</summary>
    private static byte[] LinkAddress(int index, byte[] mac)
    {
        var a = new byte[20];
        BitConverter.TryWriteBytes(a.AsSpan(0, 2), (ushort)AfPacket);
        BitConverter.TryWriteBytes(a.AsSpan(2, 2), Network(EthPArp));
        BitConverter.TryWriteBytes(a.AsSpan(4, 4), index);
        a[11] = 6;
        mac.CopyTo(a, 12);
        return a;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    private static partial class Native
    {
        [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
        public static partial int Socket(int domain, int type, int protocol);

        [LibraryImport("libc", EntryPoint = "bind", SetLastError = true)]
        public static partial int Bind(int fd, byte[] address, int length);

        [LibraryImport("libc", EntryPoint = "sendto", SetLastError = true)]
        public static partial nint SendTo(int fd, byte[] buffer, nint length, int flags, byte[] address, int addressLength);

        [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
        public static partial nint Recv(int fd, byte[] buffer, nint length, int flags);

        [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
        public static partial int Poll(ref PollFd fds, nuint count, int timeout);

        [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
        public static partial int Close(int fd);
    }
}
