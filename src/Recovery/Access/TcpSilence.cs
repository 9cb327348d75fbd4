using System.Net;
using System.Net.Sockets;

namespace Recovery.Access;

/// <summary>
/// Which end points give no TCP answer at all within a short wait. At the owner's console a node the hijack cuts off
/// never completes a handshake (its SYN-ACK to this node's address stays on it), while a node whose replies come back
/// answers a SYN within milliseconds, with a SYN-ACK or a reset, however busy its sshd is: the kernel answers it. So
/// silence after <see cref="Wait"/> says "look around the hijack for it now" much sooner than a whole SSH handshake
/// (key exchange, login) not done yet can. Silence is only a reason to look: the node's own connection still counts.
/// </summary>
internal static class TcpSilence
{
    /// <summary>Far above a SYN's round trip inside a cluster's network, far below a loaded SSH handshake.</summary>
    public static readonly TimeSpan Wait = TimeSpan.FromMilliseconds(500);

    /// <summary>The keys whose end point neither accepted nor refused a connection within <paramref name="wait"/>.</summary>
    public static async Task<IReadOnlySet<TKey>> AmongAsync<TKey>(IReadOnlyDictionary<TKey, IPEndPoint> endPoints, TimeSpan wait, CancellationToken cancellationToken)
        where TKey : notnull
    {
        var answered = await Task.WhenAll(endPoints.Select(async e => (e.Key, Answered: await AnswersAsync(e.Value, wait, cancellationToken).ConfigureAwait(false))))
            .ConfigureAwait(false);
        return answered.Where(a => !a.Answered).Select(a => a.Key).ToHashSet();
    }

    private static async Task<bool> AnswersAsync(IPEndPoint endPoint, TimeSpan wait, CancellationToken cancellationToken)
    {
        using var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(wait);
        try
        {
            await socket.ConnectAsync(endPoint, limit.Token).ConfigureAwait(false);
            return true;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        catch (SocketException)
        {
            // No route, host unreachable: no answer either.
            return false;
        }
    }
}
