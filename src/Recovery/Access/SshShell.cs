using System.Net;
using System.Net.Sockets;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using System.Text;
using Recovery.Inventory;
using Recovery.Inventory.SshConfig;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace Recovery.Access;

/// <summary>
/// A node reached over SSH (SSH.NET). The host key is checked by <see cref="HostKeyPolicy"/> during the handshake;
/// every command goes through <see cref="TimeoutWrapper"/> (under `sudo -n` when the user is not root or sudo is
/// asked for), so it cannot outlive its limit on the node even when this side gives up or the link drops.
/// </summary>
internal sealed class SshShell : INodeShell
{
    /// <summary>How long reading a file may take (certificates and manifests are small).</summary>
    public static readonly TimeSpan FileTimeout = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan SudoProbeTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan CancelTimeout = TimeSpan.FromSeconds(10);

    private readonly SshClient _client;

    private readonly string _user;

    /// <summary>What carries the connection besides the socket (a relay from the spare address), closed with it.</summary>
    private IAsyncDisposable? _carrier;

    private SshShell(Node node, SshClient client, string user, bool sudo, string way)
    {
        Node = node;
        Way = way;
        _user = user;
        _client = client;
        UsesSudo = sudo;
    }

    public Node Node { get; }

    public bool IsLocal => false;

    public string Way { get; }

    /// <summary>True when commands run through `sudo -n` (the login user is not root, or sudo was asked for).</summary>
    public bool UsesSudo { get; }

    /// <exception cref="HostKeyRejectedException">The node's host key is not trusted (unknown, mismatched, revoked, another machine's).</exception>
    /// <exception cref="NodeConnectException">The node cannot be reached, or refuses the login.</exception>
    /// <exception cref="SudoRefusedException">sudo on the node needs a password or refuses the user.</exception>
    public static Task<SshShell> ConnectAsync(
        Node node, SshSettings settings, SshCredentials credentials, HostKeyPolicy hostKeys, CancellationToken cancellationToken = default)
    {
        var where = KnownHosts.LookupName(node.Address.ToString(), settings.Port);
        return ConnectAsync(node.Address.ToString(), node.Name, where, _ => $"IPv4 {where}", hostKeys.KnownKeyTypes(node, settings.Port),
            key =>
            {
                hostKeys.Verify(node, settings.Port, key);
                return node;
            },
            settings, credentials, cancellationToken);
    }

    /// <summary>
    /// A neighbour found over IPv6 link-local (<see cref="LinkLocalNeighbours"/>): which node it is, its host key decides
    /// (<see cref="HostKeyPolicy.Identify"/>) before anything is sent to it.
    /// </summary>
    /// <exception cref="HostKeyRejectedException">The neighbour's key is not one known_hosts trusts for exactly one of the candidates.</exception>
    /// <exception cref="NodeConnectException">The neighbour cannot be reached, or refuses the login.</exception>
    public static Task<SshShell> ConnectAroundAsync(
        IPAddress neighbour, LinkLocalInterface nic, IReadOnlyList<Node> candidates, SshSettings settings, SshCredentials credentials,
        HostKeyPolicy hostKeys, CancellationToken cancellationToken = default)
    {
        var where = LinkLocalNeighbours.Describe(neighbour, nic);
        return ConnectAsync(neighbour.ToString(), $"the neighbour at {where}", where,
            key => $"IPv6 link-local {where} on the segment, {NodeConnector.AroundTheHijack} (identified by its host key {key.Fingerprint} in known_hosts)",
            candidates.SelectMany(n => hostKeys.KnownKeyTypes(n, settings.Port)).ToHashSet(),
            key => hostKeys.Identify(candidates, where, settings.Port, key),
            settings, credentials, cancellationToken);
    }

    /// <summary>
    /// A node cut off by the hijack, at its own address but from the spare address (<see cref="SpareAddress"/>), whose
    /// replies the hijack does not keep. Trust is checked as for <see cref="ConnectAsync(Node, SshSettings, SshCredentials, HostKeyPolicy, CancellationToken)"/>:
    /// the node's own known_hosts entry.
    /// </summary>
    public static async Task<SshShell> ConnectFromAsync(
        Node node, IPAddress source, SshSettings settings, SshCredentials credentials, HostKeyPolicy hostKeys, CancellationToken cancellationToken = default)
    {
        var relay = SourceBoundRelay.Start(source, new IPEndPoint(node.Address, settings.Port));
        return await ConnectViaAsync(node, relay, relay.LocalEndPoint, $"from the spare address {source}, {NodeConnector.AroundTheHijack}",
            settings, credentials, hostKeys, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A node reached through ProxyJump hosts (<see cref="JumpChain"/>): the last hop forwards a port here to the node's
    /// address, and the node's host key is checked under the node's own name and address, never the forward's 127.0.0.1.
    /// </summary>
    public static async Task<SshShell> ConnectThroughAsync(
        Node node, IReadOnlyList<JumpHop> hops, SshSettings settings, SshCredentials credentials, HostKeyPolicy hostKeys, CancellationToken cancellationToken = default)
    {
        var chain = await JumpChain.OpenAsync(hops, node.Address.ToString(), settings.Port, cancellationToken).ConfigureAwait(false);
        return await ConnectViaAsync(node, chain, chain.Target, $"through {chain}", settings, credentials, hostKeys, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A ProxyJump host: a connection that carries forwards only (no command runs there, so no sudo check). Reached at its
    /// host directly, or at <paramref name="via"/>, the previous hop's forward to it.
    /// </summary>
    public static Task<SshShell> ConnectJumpAsync(
        JumpHost jump, IPEndPoint? via, SshCredentials credentials, HostKeyPolicy hostKeys, CancellationToken cancellationToken = default)
    {
        var port = jump.Ssh.Settings.Port;
        var where = KnownHosts.LookupName(jump.Host, port);
        var stand = new Node(jump.Alias, IPAddress.TryParse(jump.Host, out var address) ? address : IPAddress.None, new HashSet<NodeRole>());
        return ConnectAsync(via?.Address.ToString() ?? jump.Host, $"jump host {jump.Alias}", where, _ => $"jump host {where}",
            hostKeys.KnownKeyTypes([jump.Host, jump.Alias], port),
            key =>
            {
                hostKeys.VerifyJump(jump.Alias, jump.Host, port, key);
                return stand;
            },
            jump.Ssh.Settings, credentials, cancellationToken, via?.Port, runsCommands: false);
    }

    // A node at a local end point that carries the connection on (a relay, a jump chain), closed with the shell.
    private static async Task<SshShell> ConnectViaAsync(
        Node node, IAsyncDisposable carrier, IPEndPoint local, string how, SshSettings settings, SshCredentials credentials, HostKeyPolicy hostKeys,
        CancellationToken cancellationToken)
    {
        var where = KnownHosts.LookupName(node.Address.ToString(), settings.Port);
        try
        {
            var shell = await ConnectAsync(local.Address.ToString(), node.Name, where, _ => $"IPv4 {where} {how}",
                hostKeys.KnownKeyTypes(node, settings.Port),
                key =>
                {
                    hostKeys.Verify(node, settings.Port, key);
                    return node;
                },
                settings, credentials, cancellationToken, local.Port).ConfigureAwait(false);
            shell._carrier = carrier;
            return shell;
        }
        catch
        {
            await carrier.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<SshShell> ConnectAsync(
        string host, string name, string where, Func<HostKey, string> wayOf, IReadOnlySet<string> keyTypes, Func<HostKey, Node> verify,
        SshSettings settings, SshCredentials credentials, CancellationToken cancellationToken, int? port = null, bool runsCommands = true)
    {
        var connectTimeout = settings.ConnectTimeout ?? DefaultConnectTimeout;
        var info = new ConnectionInfo(host, port ?? settings.Port, settings.User, credentials.MethodsFor(settings.User))
        {
            Timeout = connectTimeout,
            Encoding = Encoding.UTF8,
        };
        HostKeyAlgorithms.Narrow(info.HostKeyAlgorithms, keyTypes);
        KeyExchangeAlgorithms.PreferFast(info.KeyExchangeAlgorithms);
        var client = new SshClient(info);
        Exception? rejected = null;
        Node? node = null;
        HostKey? offered = null;
        client.HostKeyReceived += (_, e) =>
        {
            try
            {
                offered = HostKey.FromBlob(e.HostKey);
                node = verify(offered);
            }
            catch (Exception error)
            {
                rejected = error;
                e.CanTrust = false;
            }
        };
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(connectTimeout);
        try
        {
            await client.ConnectAsync(limit.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            client.Dispose();
            if (rejected is not null) ExceptionDispatchInfo.Throw(rejected);
            if (cancellationToken.IsCancellationRequested) throw;
            var plain = e switch
            {
                SshAuthenticationException => $"{name} ({where}) refused the login as {settings.User}: {Describe(credentials)} not accepted",
                SocketException s => $"cannot reach {name} at {where}: {s.Message}",
                OperationCanceledException or SshOperationTimeoutException => $"no SSH answer from {name} at {where} within {connectTimeout.TotalSeconds:0} s",
                SshConnectionException => $"SSH to {name} at {where} failed: {e.Message}",
                _ => null,
            };
            if (plain is null) throw;
            throw new NodeConnectException(node?.Name ?? name, plain, e);
        }
        if (node is null || offered is null)
        {
            client.Dispose();
            throw new NodeConnectException(name, $"{name} at {where} connected without offering a host key");
        }
        var shell = new SshShell(node, client, settings.User, runsCommands && (settings.Sudo || settings.User != "root"), wayOf(offered));
        try
        {
            if (shell.UsesSudo) await shell.CheckSudoAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await shell.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return shell;
    }

    private int _disposed;

    /// <summary>One round trip for all of them (<see cref="CommandBatch"/>).</summary>
    public Task<IReadOnlyList<CommandResult>?> RunEachAsync(IReadOnlyList<ShellCommand> commands, TimeSpan timeout, int mustSucceed = 0, CancellationToken cancellationToken = default) =>
        CommandBatch.RunAsync(this, commands, timeout, mustSucceed, cancellationToken);

    public async Task<CommandResult> RunAsync(ShellCommand command, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var (exit, stdout, stderr, elapsed) = await ExecuteAsync(command, timeout, cancellationToken).ConfigureAwait(false);
        return new CommandResult(exit, Encoding.UTF8.GetString(stdout), stderr, elapsed);
    }

    /// <summary>`cat` through the same wrapper (and sudo) as any command: bounded by a timeout, no SFTP subsystem needed.</summary>
    public async Task<byte[]> ReadFileAsync(string path, CancellationToken cancellationToken = default)
    {
        var (exit, stdout, stderr, _) = await ExecuteAsync(ShellCommand.Of("cat", "--", path), FileTimeout, cancellationToken).ConfigureAwait(false);
        if (exit != 0)
        {
            var reason = stderr.Trim();
            throw new NodeFileException(Node.Name, path, reason.Length > 0 ? reason : $"cat exited with {exit}");
        }
        return stdout;
    }

    /// <summary>An SSH local forward: 127.0.0.1 on a free port here, host:port as the node sees it.</summary>
    public Task<INodeTunnel> OpenTunnelAsync(string host, int port, CancellationToken cancellationToken = default)
    {
        ShellQuoting.Validate(host);
        if (!IPAddress.TryParse(host, out _) && Uri.CheckHostName(host) != UriHostNameType.Dns)
        {
            throw new ArgumentException($"tunnel target on {Node.Name} must be an IP address or host name, got '{host}'", nameof(host));
        }
        if (port is < 1 or > 65535) throw new ArgumentOutOfRangeException(nameof(port), port, "a TCP port is 1..65535");
        var forward = new ForwardedPortLocal("127.0.0.1", 0, host, (uint)port);
        _client.AddForwardedPort(forward);
        try
        {
            forward.Start();
        }
        catch
        {
            _client.RemoveForwardedPort(forward);
            forward.Dispose();
            throw;
        }
        return Task.FromResult<INodeTunnel>(new Tunnel(_client, forward, new IPEndPoint(IPAddress.Loopback, (int)forward.BoundPort)));
    }

    public ValueTask DisposeAsync()
    {
        // Idempotent: a survey and a runner may both hold the same shell.
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return ValueTask.CompletedTask;
        try
        {
            foreach (var forward in _client.ForwardedPorts.ToList())
            {
                forward.Stop();
                _client.RemoveForwardedPort(forward);
                forward.Dispose();
            }
            if (_client.IsConnected) _client.Disconnect();
        }
        catch (Exception e) when (e is SshException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            // The link is already gone; nothing is left to close politely.
        }
        _client.Dispose();
        return _carrier?.DisposeAsync() ?? ValueTask.CompletedTask;
    }

    private async Task<(int Exit, byte[] StdOut, string StdErr, TimeSpan Elapsed)> ExecuteAsync(
        ShellCommand command, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var tag = Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant();
        var line = TimeoutWrapper.RemoteLine(command, timeout, UsesSudo, tag);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        using var ssh = _client.CreateCommand(line, Encoding.UTF8);
        // The remote `timeout` ends the command; this only covers a link that stops answering.
        ssh.CommandTimeout = timeout + TimeoutWrapper.Grace;
        // Not SSH.NET's own cancellation: after its signal it waits up to 500 ms for the channel to close, which it does not
        // while anything the command started holds its output (a TCP check's own `timeout` runs in a process group of its
        // own), so every stopped check paid that wait. The signal still goes, the channel is let go at once, and the node
        // is asked to end the command.
        var execution = ssh.ExecuteAsync(CancellationToken.None);
        try
        {
            await execution.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            LetGo(ssh, execution);
            await CancelRemoteAsync(tag).ConfigureAwait(false);
            throw;
        }
        catch (SshOperationTimeoutException e)
        {
            throw new TimeoutException($"{Node.Name} did not answer within {ssh.CommandTimeout.TotalSeconds:0} s (command limit {timeout.TotalSeconds:0} s)", e);
        }
        catch (SshConnectionException e)
        {
            throw new NodeConnectException(Node.Name, $"SSH connection to {Node.Name} lost: {e.Message}", e);
        }
        using var stdout = new MemoryStream();
        await ssh.OutputStream.CopyToAsync(stdout, cancellationToken).ConfigureAwait(false);
        var stderr = ssh.Error;
        var exit = ssh.ExitStatus ?? SignalExitCode(ssh.ExitSignal);
        if (UsesSudo) SudoRefusal.ThrowIfRefused(Node.Name, _user, exit, stderr);
        return (exit, stdout.ToArray(), stderr, watch.Elapsed);
    }

    // Closing the channel does not stop a command on the node (sshd sends it no signal), so ask the node to end it.
    // Best effort: when this fails too, the remote `timeout` still ends the command at its limit.
    private async Task CancelRemoteAsync(string tag)
    {
        try
        {
            using var stop = _client.CreateCommand(TimeoutWrapper.RemoteLine(TimeoutWrapper.Cancel(tag), CancelTimeout, UsesSudo), Encoding.UTF8);
            stop.CommandTimeout = CancelTimeout + TimeoutWrapper.Grace;
            await stop.ExecuteAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SshException or InvalidOperationException or ObjectDisposedException or TimeoutException)
        {
        }
    }

    /// <summary>Signals a cancelled command and completes it here without waiting for its channel to close; its outcome is observed and dropped.</summary>
    private static void LetGo(SshCommand ssh, Task execution)
    {
        try
        {
            ssh.CancelAsync(forceKill: false, millisecondsTimeout: 0);
        }
        catch (Exception e) when (e is SshException or InvalidOperationException or ObjectDisposedException)
        {
            // Already over, or the link is gone: nothing to let go of.
        }
        _ = execution.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    private async Task CheckSudoAsync(CancellationToken cancellationToken)
    {
        var (exit, _, stderr, _) = await ExecuteAsync(ShellCommand.Of("true"), SudoProbeTimeout, cancellationToken).ConfigureAwait(false);
        if (exit != 0)
        {
            throw new SudoRefusedException(Node.Name, $"sudo on {Node.Name} does not work for {_user} (exit {exit}): {stderr.Trim()}");
        }
    }

    // As a shell reports a process killed by a signal: 128 + the signal number.
    private static int SignalExitCode(string? signal) => signal switch
    {
        "HUP" => 129,
        "INT" => 130,
        "KILL" => 137,
        "TERM" => 143,
        "PIPE" => 141,
        "ABRT" => 134,
        "SEGV" => 139,
        _ => -1,
    };

    private static string Describe(SshCredentials credentials)
    {
        var parts = credentials.KeyFiles.Select(f => $"key {f}").ToList();
        if (credentials.HasPassword) parts.Add("password");
        return string.Join(", ", parts);
    }

    private sealed class Tunnel(SshClient client, ForwardedPortLocal forward, IPEndPoint endPoint) : INodeTunnel
    {
        public IPEndPoint LocalEndPoint { get; } = endPoint;

        public ValueTask DisposeAsync()
        {
            if (forward.IsStarted) forward.Stop();
            client.RemoveForwardedPort(forward);
            forward.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
