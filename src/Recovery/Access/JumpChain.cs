using System.Net;
using Recovery.Inventory.SshConfig;

namespace Recovery.Access;

/// <summary>A ProxyJump hop with what it is logged in and checked with.</summary>
internal sealed record JumpHop(JumpHost Host, SshCredentials Credentials, HostKeyPolicy HostKeys);

/// <summary>
/// The ProxyJump hops to a node, as ssh -J makes them: the first hop directly, each next one through a forward of the
/// one before, and the last forwarding a port on 127.0.0.1 here to the target. SSH.NET 2026.0.0 has no public
/// direct-tcpip stream, so each hop is a <see cref="Renci.SshNet.ForwardedPortLocal"/> on a free loopback port
/// (<see cref="SshShell.OpenTunnelAsync"/>), which opens one direct-tcpip channel per connection. Closed last hop first.
/// </summary>
internal sealed class JumpChain : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _held = [];
    private readonly IReadOnlyList<JumpHop> _hops;

    private JumpChain(IReadOnlyList<JumpHop> hops) => _hops = hops;

    /// <summary>The loopback end point that reaches the target.</summary>
    public IPEndPoint Target { get; private set; } = new(IPAddress.Loopback, 0);

    /// <exception cref="HostKeyRejectedException">A hop's host key is not trusted.</exception>
    /// <exception cref="NodeConnectException">A hop cannot be reached or refuses the login; the message names the hop.</exception>
    public static async Task<JumpChain> OpenAsync(IReadOnlyList<JumpHop> hops, string host, int port, CancellationToken cancellationToken)
    {
        var chain = new JumpChain(hops);
        try
        {
            SshShell? previous = null;
            foreach (var hop in hops)
            {
                IPEndPoint? via = null;
                if (previous is not null)
                {
                    var forward = await previous.OpenTunnelAsync(hop.Host.Host, hop.Host.Ssh.Settings.Port, cancellationToken).ConfigureAwait(false);
                    chain._held.Add(forward);
                    via = forward.LocalEndPoint;
                }
                previous = await SshShell.ConnectJumpAsync(hop.Host, via, hop.Credentials, hop.HostKeys, cancellationToken).ConfigureAwait(false);
                chain._held.Add(previous);
            }
            var last = await previous!.OpenTunnelAsync(host, port, cancellationToken).ConfigureAwait(false);
            chain._held.Add(last);
            chain.Target = last.LocalEndPoint;
            return chain;
        }
        catch
        {
            await chain.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public override string ToString() => "jump host " + string.Join(", then ", _hops.Select(h => h.Host.ToString()));

    public async ValueTask DisposeAsync()
    {
        for (var i = _held.Count - 1; i >= 0; i--) await _held[i].DisposeAsync().ConfigureAwait(false);
        _held.Clear();
    }
}
