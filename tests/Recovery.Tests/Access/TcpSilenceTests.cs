using System.Net;
using System.Net.Sockets;
using Recovery.Access;

namespace Recovery.Tests.Access;

/// <summary>
/// TcpSilence on real sockets: a port that accepts and one that refuses both answer; a listener whose accept queue is
/// full drops the SYN without a word (Linux: tcp_conn_request, "sk_acceptq_is_full ... goto drop"), as a node the
/// hijack cuts off does, and is silent.
/// </summary>
public sealed class TcpSilenceTests
{
    [Fact]
    public async Task Only_a_port_that_neither_accepts_nor_refuses_is_silent()
    {
        using var open = Listener(backlog: 16);
        using var full = Listener(backlog: 0);
        using var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await filler.ConnectAsync(full.LocalEndPoint!);
        IPEndPoint refused;
        using (var closed = Listener(backlog: 1)) refused = (IPEndPoint)closed.LocalEndPoint!;

        var silent = await TcpSilence.AmongAsync(new Dictionary<string, IPEndPoint>
        {
            ["accepts"] = (IPEndPoint)open.LocalEndPoint!,
            ["refuses"] = refused,
            ["drops"] = (IPEndPoint)full.LocalEndPoint!,
        }, TcpSilence.Wait, CancellationToken.None);

        Assert.Equal(["drops"], silent);
    }

    private static Socket Listener(int backlog)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        socket.Listen(backlog);
        return socket;
    }
}
