using System.Net;
using System.Net.Sockets;
using Recovery.Access;
using Recovery.Tests.Fixtures;

namespace Recovery.Tests.Access;

/// <summary>
/// The spare address's check that nothing on the segment answers for it, read from real captures of its probe (`ping
/// -I IF A; ip neigh show to A dev IF` between two network namespaces: a host that answers, one that drops ping but
/// still answers ARP, and a free address), and the relay connections from it leave through.
/// </summary>
public sealed class SpareAddressTests
{
    private static readonly IPAddress Taken = IPAddress.Parse("10.99.0.2");
    private static readonly IPAddress Free = IPAddress.Parse("10.99.0.9");

    private static CommandResult Capture(string name, int exit) => new(exit, Fixture.Read($"spare/{name}.txt"), "", TimeSpan.FromSeconds(1));

    [Fact]
    public void An_address_a_host_answers_ping_for_is_in_use_named_by_its_link_address() =>
        Assert.Equal("12:90:d7:76:37:2c", SpareAddress.AnsweredBy(Capture("answered", 0), Taken));

    [Fact]
    public void A_host_that_drops_ping_still_answers_arp_and_its_address_is_in_use() =>
        Assert.Equal("12:90:d7:76:37:2c", SpareAddress.AnsweredBy(Capture("ping-dropped", 1), Taken));

    [Fact]
    public void An_address_nobody_answers_for_is_free() =>
        Assert.Null(SpareAddress.AnsweredBy(Capture("free", 1), Free));

    [Theory]
    [InlineData(124)]
    [InlineData(126)]
    [InlineData(127)]
    [InlineData(2)]
    public void A_check_that_could_not_run_never_counts_as_free(int exit)
    {
        var e = Assert.Throws<SpareAddressException>(() => SpareAddress.AnsweredBy(new CommandResult(exit, "", "ping: SO_BINDTODEVICE nosuch0: No such device", TimeSpan.Zero), Free));
        Assert.Contains($"{exit}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_probe_asks_the_segment_on_the_interface_then_reads_the_neighbour_table() =>
        Assert.Equal("ping -n -c 1 -W 2 -I eth0 10.77.0.250 ; ip neigh show to 10.77.0.250 dev eth0", SpareAddress.Probe(IPAddress.Parse("10.77.0.250"), "eth0").Render());

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
