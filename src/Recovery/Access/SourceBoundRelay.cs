using System.Net;
using System.Net.Sockets;

namespace Recovery.Access;

/// <summary>
/// A connection to a node that leaves from a chosen source address (the spare address), for a client that cannot bind
/// its own socket (SSH.NET connects by host and port only): it listens on 127.0.0.1, and each connection accepted there
/// is joined to a new connection from SOURCE to TARGET. Lives as long as the shell that uses it.
/// </summary>
internal sealed class SourceBoundRelay : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly IPAddress _source;
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    private SourceBoundRelay(IPAddress source, IPEndPoint target)
    {
        _source = source;
        _target = target;
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(4);
        LocalEndPoint = (IPEndPoint)_listener.LocalEndPoint!;
        _accepting = AcceptAsync();
    }

    /// <summary>Where the client connects: 127.0.0.1 on a free port.</summary>
    public IPEndPoint LocalEndPoint { get; }

    public static SourceBoundRelay Start(IPAddress source, IPEndPoint target) => new(source, target);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = JoinAsync(client);
        }
    }

    private async Task JoinAsync(Socket client)
    {
        using (client)
        using (var upstream = new Socket(_target.AddressFamily, SocketType.Stream, ProtocolType.Tcp))
        {
            try
            {
                upstream.Bind(new IPEndPoint(_source, 0));
                // The client's own connect timeout bounds this too: it gives up and closes its side.
                await upstream.ConnectAsync(_target, _stop.Token).ConfigureAwait(false);
                using var down = new NetworkStream(client, ownsSocket: false);
                using var up = new NetworkStream(upstream, ownsSocket: false);
                var first = await Task.WhenAny(PumpAsync(down, up, upstream), PumpAsync(up, down, client)).ConfigureAwait(false);
                await first.ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
            {
                // Either side went away: closing both ends it for the other.
            }
        }
    }

    /// <summary>Copies until FROM ends, then tells the other side no more is coming.</summary>
    private async Task PumpAsync(Stream from, Stream to, Socket toSocket)
    {
        await from.CopyToAsync(to, _stop.Token).ConfigureAwait(false);
        toSocket.Shutdown(SocketShutdown.Send);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        await _accepting.ConfigureAwait(false);
        _stop.Dispose();
    }
}
