using System.Net;
using System.Net.Sockets;
using Recovery.Access;

namespace Recovery.Tests.Access;

/// <summary>
/// The spare address's check that nothing on the segment holds it: real ARP probes (sender 0.0.0.0) on a veth whose
/// other end is in a network namespace that holds the address, answered by the real kernel, also when that namespace
/// holds this side's address too (as every other node holds the owner's: a request from that address is dropped as
/// martian there); and the relay connections from the spare address leave through.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SpareAddressTests
{
    [SkippableFact]
    public void A_probe_is_answered_by_the_holder_even_where_this_sides_address_is_hijacked_and_not_for_a_free_address()
    {
        Skip.IfNot(Recovery.Tests.Facts.NetnsCluster.CanRun(), "needs root and iproute2");
        var id = Guid.NewGuid().ToString("N")[..6];
        string ns = $"krarp{id}", here = $"kra{id}", there = $"krb{id}";
        try
        {
            Processes.MustRun("ip", "netns", "add", ns);
            Processes.MustRun("ip", "link", "add", here, "type", "veth", "peer", "name", there);
            Processes.MustRun("ip", "link", "set", there, "netns", ns);
            Processes.MustRun("ip", "link", "set", here, "up");
            Processes.MustRun("ip", "-n", ns, "addr", "add", "10.99.0.2/24", "dev", there);
            Processes.MustRun("ip", "-n", ns, "link", "set", there, "up");
            // The far side holds "this side's" address locally, as a node holds the owner's on kube-ipvs0, under strict ARP.
            Processes.MustRun("ip", "-n", ns, "link", "add", "kube-ipvs0", "type", "bridge");
            Processes.MustRun("ip", "-n", ns, "addr", "add", "10.99.0.1/32", "dev", "kube-ipvs0");
            Processes.MustRun("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv4.conf.all.arp_ignore=1", "net.ipv4.conf.all.arp_announce=2");

            var holder = ArpProbe.WhoHolds(IPAddress.Parse("10.99.0.2"), here);
            var expected = Processes.MustRun("ip", "netns", "exec", ns, "cat", $"/sys/class/net/{there}/address").Trim();
            Assert.Equal(expected, holder);
            Assert.Null(ArpProbe.WhoHolds(IPAddress.Parse("10.99.0.9"), here));
        }
        finally
        {
            Processes.Run("ip", "link", "del", here);
            Processes.Run("ip", "netns", "del", ns);
        }
    }

    [Fact]
    public void A_probe_asks_with_an_empty_sender_address_as_RFC_5227_does()
    {
        var mac = new byte[] { 0x12, 0x90, 0xd7, 0x76, 0x37, 0x2c };
        var p = ArpProbe.Request(mac, IPAddress.Parse("10.77.0.250"));
        Assert.Equal("0001080006040001" + "1290d776372c" + "00000000" + "000000000000" + "0a4d00fa", Convert.ToHexString(p).ToLowerInvariant());
        // Its own frame coming back is not an answer; another machine's reply for the address is.
        Assert.Null(ArpProbe.Holder(p, mac, IPAddress.Parse("10.77.0.250")));
        var reply = (byte[])p.Clone();
        reply[7] = 2;
        new byte[] { 0x52, 0x54, 0, 0, 0, 1 }.CopyTo(reply, 8);
        IPAddress.Parse("10.77.0.250").GetAddressBytes().CopyTo(reply, 14);
        Assert.Equal("52:54:00:00:00:01", ArpProbe.Holder(reply, mac, IPAddress.Parse("10.77.0.250")));
        Assert.Null(ArpProbe.Holder(reply, mac, IPAddress.Parse("10.77.0.251")));
    }

    [Fact]
    public async Task The_relay_connects_from_the_source_address_and_carries_both_ways()
    {
        using var server = new TcpListener(IPAddress.Loopback, 0);
        server.Start();
        var target = (IPEndPoint)server.LocalEndpoint;
        var source = IPAddress.Parse("127.0.0.7");
        await using var relay = SourceBoundRelay.Start(source, target);

        using var client = new TcpClient();
        await client.ConnectAsync(relay.LocalEndPoint);
        using var accepted = await server.AcceptTcpClientAsync();
        Assert.Equal(source, ((IPEndPoint)accepted.Client.RemoteEndPoint!).Address);

        await client.GetStream().WriteAsync("ping"u8.ToArray());
        var buffer = new byte[4];
        await accepted.GetStream().ReadExactlyAsync(buffer);
        Assert.Equal("ping"u8.ToArray(), buffer);
        await accepted.GetStream().WriteAsync("pong"u8.ToArray());
        await client.GetStream().ReadExactlyAsync(buffer);
        Assert.Equal("pong"u8.ToArray(), buffer);

        // The node closing its side ends the client's connection too.
        accepted.Close();
        Assert.Equal(0, await client.GetStream().ReadAsync(new byte[1]).AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
