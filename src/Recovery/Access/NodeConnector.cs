using Recovery.Inventory;
using Recovery.Inventory.SshConfig;

namespace Recovery.Access;

/// <summary>
/// Opens a shell on every node: the local node through <see cref="LocalShell"/>, the others over SSH, in parallel.
/// Known hosts, this machine's own host keys and the credentials are loaded once. A node that fails to connect is
/// a result with its error; it never hides the other nodes.
/// </summary>
internal sealed class NodeConnector
{
    /// <summary>Where this machine's sshd keeps its public host keys (to recognise its own key offered at another node's address).</summary>
    public const string DefaultLocalHostKeys = "/etc/ssh";

    /// <summary>Part of every way (<see cref="INodeShell.Way"/>) that goes around the hijack: how logs and reports tell them.</summary>
    public const string AroundTheHijack = "around the hijack";

    private readonly ClusterInventory _inventory;
    private readonly SshSettings _ssh;
    private readonly string? _localNodeName;
    private readonly ISecretSource _secrets;
    private readonly NodeSshResolver _resolver;
    private readonly IReadOnlyList<HostKey> _localKeys;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<SshCredentials>> _credentials = new(StringComparer.Ordinal);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<KnownHosts>> _knownHosts = new(StringComparer.Ordinal);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string, bool), Lazy<HostKeyPolicy>> _hostKeys = new();

    /// <param name="localNodeName">The node this machine is (found by the Facts layer's LocalNodeFinder), or null on a machine outside the cluster.</param>
    /// <param name="localHostKeyDirectory">Folder holding ssh_host_*_key.pub of this machine.</param>
    public NodeConnector(
        ClusterInventory inventory,
        SshSettings ssh,
        string? localNodeName,
        ISecretSource secrets,
        string localHostKeyDirectory = DefaultLocalHostKeys)
    {
        if (localNodeName is not null && inventory.FindByName(localNodeName) is null)
        {
            throw new ArgumentException($"local node {localNodeName} is not in the inventory", nameof(localNodeName));
        }
        _inventory = inventory;
        _ssh = ssh;
        _localNodeName = localNodeName;
        _secrets = secrets;
        _resolver = new NodeSshResolver(ssh, inventory.SshConfig, HomePath.Directory, Environment.UserName);
        _localKeys = ReadLocalHostKeys(localHostKeyDirectory);
    }

    /// <summary>
    /// A sign here says nodes will not answer at their addresses (this node's own address on its own kube-ipvs0): then
    /// the way around is looked for, while their IPv4 attempts still wait, for every node whose SSH port gives no TCP
    /// answer at all (<see cref="TcpSilence"/>), and for every node still connecting after <see cref="Hedge"/> (a
    /// hijack that began after its SYN was answered). Without the sign, no node is probed or looked for early.
    /// </summary>
    public bool CutOffLikely { get; init; }

    /// <summary>
    /// Nodes whose address is on kube-ipvs0 here: no IPv4 connection to them can leave this machine, so the way around
    /// the hijack is looked for at once rather than after a connect timeout.
    /// </summary>
    public IReadOnlySet<string> CutOff { get; init; } = new HashSet<string>();

    /// <summary>Raised with a printable line for every host key accepted and written under accept-new.</summary>
    public event Action<string>? KeyAccepted;

    /// <summary>The known_hosts in use (loaded on first use), e.g. to report its malformed lines.</summary>
    public KnownHosts KnownHosts => HostKeys(_ssh).KnownHosts;

    public static string KnownHostsPath(SshSettings ssh) => ssh.KnownHostsFile is { } file
        ? HomePath.Expand(file)
        : Path.Combine(HomePath.Directory, ".ssh", "known_hosts");

    /// <summary>
    /// Connects to every inventory node, at most <paramref name="parallel"/> at a time, local node first in the list.
    /// Nodes that do not answer at their address are looked for around the hijack (<see cref="ReachAroundAsync"/>):
    /// the nodes in <see cref="CutOff"/> over link-local at once, and where <see cref="CutOffLikely"/> every node whose SSH
    /// port is silent (<see cref="TcpSilence"/>), then every node still connecting after <see cref="Hedge"/>: waiting
    /// out the whole connect timeout first would cost every run at the owner's console that much. Only the read-only
    /// way starts early (link-local); a spare address is added only for nodes that did not answer.
    /// </summary>
    public async Task<IReadOnlyList<NodeResult<INodeShell>>> ConnectAllAsync(int parallel = Fanout.DefaultParallel, CancellationToken cancellationToken = default)
    {
        var ordered = _inventory.Nodes.OrderBy(n => n.Name == _localNodeName ? 0 : 1).ToList();
        var attempts = ordered.ToDictionary(n => n.Name, _ => CancellationTokenSource.CreateLinkedTokenSource(cancellationToken), StringComparer.Ordinal);
        var settled = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        var started = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            var direct = Fanout.RunAsync(ordered, async (node, _) =>
            {
                try
                {
                    return await ConnectAsync(node, attempts[node.Name].Token, goAround: false).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (attempts[node.Name].IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    throw new NodeConnectException(node.Name, $"{node.Name} was reached around the hijack before its address answered");
                }
                finally
                {
                    settled[node.Name] = true;
                }
            }, parallel, cancellationToken);

            AroundSearch? early = null;
            async Task LookAroundAsync(IReadOnlyList<Node> nodes)
            {
                if (nodes.Count == 0) return;
                var search = await FindAroundAsync(nodes, cancellationToken).ConfigureAwait(false);
                early = early is null ? search : early.With(search);
                foreach (var name in search.Found.Keys) await attempts[name].CancelAsync().ConfigureAwait(false);
            }
            var certain = ordered.Where(n => n.Name != _localNodeName && CutOff.Contains(n.Name) && !Jumped(n)).ToList();
            if ((certain.Count > 0 || CutOffLikely) && _localNodeName is not null && Spare() is null)
            {
                var others = ordered.Where(n => n.Name != _localNodeName && !certain.Contains(n) && !Jumped(n)).ToList();
                await LookAroundAsync(CutOffLikely ? [.. certain, .. await SilentAsync(others, cancellationToken).ConfigureAwait(false)] : certain).ConfigureAwait(false);
                var wait = Hedge - started.Elapsed;
                if (CutOffLikely && (wait <= TimeSpan.Zero || await Task.WhenAny(direct, Task.Delay(wait, cancellationToken)).ConfigureAwait(false) != direct))
                {
                    await LookAroundAsync([.. others.Where(n => !settled.ContainsKey(n.Name) && early?.Searched.Contains(n.Name) != true)]).ConfigureAwait(false);
                }
            }
            var results = await direct.ConfigureAwait(false);
            var chosen = new List<NodeResult<INodeShell>>();
            foreach (var r in results)
            {
                var around = early?.Found.GetValueOrDefault(r.Node.Name);
                if (r.Succeeded || !IsCutOff(r.Error) || Jumped(r.Node))
                {
                    // Its address answered, or refused for a reason of its own (a key known_hosts does not hold for it
                    // there, a login refused): that stands; the way around is for the hijack only.
                    if (around is not null) await around.Shell.DisposeAsync().ConfigureAwait(false);
                    chosen.Add(r);
                }
                else if (around is not null)
                {
                    _around[r.Node.Name] = around.Neighbour;
                    chosen.Add(new NodeResult<INodeShell>(r.Node, around.Shell, null, r.Elapsed));
                }
                else
                {
                    chosen.Add(early is { NotFound: { } why } && early.Searched.Contains(r.Node.Name) ? Explained(r, why) : r);
                }
            }
            // Nodes the early search did not cover (they failed before it began, or none began) go around now.
            var missing = chosen.Where(r => !r.Succeeded && IsCutOff(r.Error) && !Jumped(r.Node) && early?.Searched.Contains(r.Node.Name) != true).ToList();
            if (missing.Count == 0) return chosen;
            var late = await ReachAroundAsync(missing, cancellationToken).ConfigureAwait(false);
            return [.. chosen.Select(r => late.FirstOrDefault(a => a.Node.Name == r.Node.Name) ?? r)];
        }
        finally
        {
            foreach (var attempt in attempts.Values) attempt.Dispose();
        }
    }

    /// <summary>
    /// How long, at most, a node's connection may take before the way around the hijack is looked for beside it, where
    /// its SSH port did answer a SYN: the hijack may have begun since (the lockout comes with a kube-proxy sync).
    /// </summary>
    private static readonly TimeSpan Hedge = TimeSpan.FromSeconds(2);

    /// <summary>The nodes whose SSH port gives no TCP answer from here within <see cref="TcpSilence.Wait"/>, in their order.</summary>
    private async Task<List<Node>> SilentAsync(IEnumerable<Node> nodes, CancellationToken cancellationToken)
    {
        var asked = nodes.ToList();
        var silent = await TcpSilence.AmongAsync(asked.ToDictionary(n => n.Name, n => new System.Net.IPEndPoint(n.Address, _resolver.For(n).Settings.Port), StringComparer.Ordinal),
            TcpSilence.Wait, cancellationToken).ConfigureAwait(false);
        return [.. asked.Where(n => silent.Contains(n.Name))];
    }

    /// <exception cref="HostKeyRejectedException">See <see cref="SshShell.ConnectAsync"/>.</exception>
    /// <exception cref="NodeConnectException">See <see cref="SshShell.ConnectAsync"/>.</exception>
    /// <exception cref="SudoRefusedException">See <see cref="SshShell.ConnectAsync"/>.</exception>
    /// <exception cref="SshCredentialException">The key or password cannot be loaded.</exception>
    public Task<INodeShell> ConnectAsync(Node node, CancellationToken cancellationToken = default) => ConnectAsync(node, cancellationToken, goAround: true);

    /// <param name="goAround">false: the node's address only (<see cref="ConnectAllAsync"/> goes around for all nodes at once).</param>
    private async Task<INodeShell> ConnectAsync(Node node, CancellationToken cancellationToken, bool goAround)
    {
        if (node.Name == _localNodeName) return new LocalShell(node);
        var ssh = _resolver.For(node);
        if (ssh.Jumps.Count > 0) return await ThroughJumpsAsync(node, ssh, cancellationToken).ConfigureAwait(false);
        var (settings, credentials, hostKeys) = Reach(ssh);
        // A node found around the hijack once is reached the same way again (a later stage, a resumed step).
        if (_fromSpare.ContainsKey(node.Name) && Spare() is { } spare)
        {
            return await SshShell.ConnectFromAsync(node, spare.Address, settings, credentials, hostKeys, cancellationToken).ConfigureAwait(false);
        }
        if (_around.TryGetValue(node.Name, out var neighbour))
        {
            return await SshShell.ConnectAroundAsync(neighbour.Address, neighbour.Interface, [node], settings, credentials, hostKeys, cancellationToken)
                .ConfigureAwait(false);
        }
        var started = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            return await SshShell.ConnectAsync(node, settings, credentials, hostKeys, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (goAround && IsCutOff(e))
        {
            // A later connection (a resumed run, a node that stopped answering) goes around the hijack as the survey does.
            var around = (await ReachAroundAsync([new NodeResult<INodeShell>(node, null, e, started.Elapsed)], cancellationToken).ConfigureAwait(false))[0];
            return around.Value ?? throw around.Error!;
        }
    }

    /// <summary>
    /// Reaches nodes the hijack cuts off. Their replies to this node's address stay on them, so no IPv4 connection from
    /// here completes; IPv6 link-local on the same segment is untouched. Every neighbour that answers on the interface
    /// holding this node's address is asked for its host key, and is the node whose known_hosts key it offers — never
    /// the node its address suggests. A node found this way keeps the original error when it is not found.
    /// </summary>
    public async Task<IReadOnlyList<NodeResult<INodeShell>>> ReachAroundAsync(IReadOnlyList<NodeResult<INodeShell>> missing, CancellationToken cancellationToken = default)
    {
        // Outside the inventory, or this node's address on no interface here (a test's loopback): no segment to look on.
        var local = _localNodeName is null ? null : _inventory.FindByName(_localNodeName);
        if (local is null) return missing;
        // The operator's explicit choice (a segment without IPv6, or one where link-local is not wanted) replaces discovery.
        if (Spare() is { } spare) return await FromSpareAsync(spare, missing, cancellationToken).ConfigureAwait(false);
        var search = await FindAroundAsync([.. missing.Select(m => m.Node)], cancellationToken).ConfigureAwait(false);
        var found = new List<NodeResult<INodeShell>>();
        foreach (var m in missing)
        {
            if (search.Found.GetValueOrDefault(m.Node.Name) is { } hit)
            {
                _around[m.Node.Name] = hit.Neighbour;
                found.Add(new NodeResult<INodeShell>(m.Node, hit.Shell, null, m.Elapsed));
            }
            else
            {
                found.Add(search.NotFound is null ? m : Explained(m, search.NotFound));
            }
        }
        return found;
    }

    /// <summary>What a search over link-local found: a shell per node found, and why the others were not (null: no segment to look on).</summary>
    private sealed record AroundSearch(IReadOnlyDictionary<string, Reached> Found, IReadOnlySet<string> Searched, string? NotFound)
    {
        /// <summary>This search and a later one over other nodes, as one.</summary>
        public AroundSearch With(AroundSearch later) => new(
            Found.Concat(later.Found).ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal),
            Searched.Union(later.Searched, StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal),
            later.NotFound ?? NotFound);
    }

    private sealed record Reached(INodeShell Shell, Neighbour Neighbour);

    /// <summary>
    /// The neighbours that answer over IPv6 link-local on the interface holding this node's address are asked for their host
    /// key (those likely to be NODES first, the others while one is missing), and each is the node among NODES whose
    /// known_hosts key it offers. Shells of neighbours that are none of them are closed.
    /// </summary>
    private async Task<AroundSearch> FindAroundAsync(IReadOnlyList<Node> nodes, CancellationToken cancellationToken)
    {
        var searched = nodes.Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        var local = _inventory.FindByName(_localNodeName!)!;
        var (nic, why) = LinkLocalInterface.Holding(local.Address);
        if (nic is null) return new AroundSearch(new Dictionary<string, Reached>(), searched, why);
        NeighbourTable table;
        try
        {
            // One discovery per run: nodes connected one by one (a resumed run) share it.
            table = await _neighbours.GetOrAdd(nic.Name, _ => LinkLocalNeighbours.FindAsync(new LocalShell(local), nic, CancellationToken.None)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NodeConnectException or TimeoutException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return new AroundSearch(new Dictionary<string, Reached>(), searched, $"neighbour discovery on {nic.Name} failed: {e.Message}");
        }
        var neighbours = table.Neighbours;
        // One way to log in for the whole search: the nodes looked for share their settings in any cluster seen so far.
        var (settings, credentials, hostKeys) = Reach(nodes[0]);
        // Each neighbour asked costs a handshake, and a segment of 100 nodes has 99 neighbours: those at the link-layer
        // address this node last had for a node looked for are asked first, alone; the others only if a node is still missing.
        var likely = table.Likely(nodes.Select(n => n.Address));
        var tries = await TryNeighboursAsync(likely, nic, nodes, settings, credentials, hostKeys, cancellationToken).ConfigureAwait(false);
        var identified = tries.Where(t => t.Shell is not null).Select(t => t.Shell!.Node.Name).ToHashSet(StringComparer.Ordinal);
        if (!searched.IsSubsetOf(identified))
        {
            tries = [.. tries, .. await TryNeighboursAsync([.. neighbours.Except(likely)], nic, nodes, settings, credentials, hostKeys, cancellationToken).ConfigureAwait(false)];
        }
        var found = new Dictionary<string, Reached>(StringComparer.Ordinal);
        foreach (var t in tries.Where(t => t.Shell is not null))
        {
            if (found.TryAdd(t.Shell!.Node.Name, new Reached(t.Shell, t.Neighbour))) continue;
            await t.Shell.DisposeAsync().ConfigureAwait(false);
        }
        // Keys no inventory node has are named: an operator must see that something on the segment offered one.
        var refusals = tries.Where(t => t.Error is HostKeyRejectedException { Owner: null }).Select(t => t.Error!.Message).ToList();
        var detail = $"not found over IPv6 link-local on {nic.Name} either ({neighbours.Count} neighbour{(neighbours.Count == 1 ? "" : "s")} answered";
        return new AroundSearch(found, searched, refusals.Count == 0 ? detail + ")" : $"{detail}; {string.Join("; ", refusals)})");
    }

    /// <summary>Asks each neighbour for its host key (and logs in where it is one of NODES), at most <see cref="Fanout.DefaultParallel"/> at a time.</summary>
    private static async Task<IReadOnlyList<(Neighbour Neighbour, INodeShell? Shell, Exception? Error)>> TryNeighboursAsync(
        IReadOnlyList<System.Net.IPAddress> neighbours, LinkLocalInterface nic, IReadOnlyList<Node> nodes, SshSettings settings, SshCredentials credentials,
        HostKeyPolicy hostKeys, CancellationToken cancellationToken)
    {
        using var gate = new SemaphoreSlim(Fanout.DefaultParallel);
        return await Task.WhenAll(neighbours.Select(async address =>
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var shell = await SshShell.ConnectAroundAsync(address, nic, nodes, settings, credentials, hostKeys, cancellationToken).ConfigureAwait(false);
                return (Neighbour: new Neighbour(address, nic), Shell: (INodeShell?)shell, Error: (Exception?)null);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return (Neighbour: new Neighbour(address, nic), Shell: null, Error: e);
            }
            finally
            {
                gate.Release();
            }
        })).ConfigureAwait(false);
    }

    /// <summary>The nodes cut off by the hijack, each from the spare address (--spare-address), added here once for the run.</summary>
    private async Task<IReadOnlyList<NodeResult<INodeShell>>> FromSpareAsync(SpareAddress spare, IReadOnlyList<NodeResult<INodeShell>> missing, CancellationToken cancellationToken)
    {
        try
        {
            await spare.EnsureAsync().ConfigureAwait(false);
        }
        catch (SpareAddressException e)
        {
            return [.. missing.Select(m => Explained(m, $"the spare address {spare.Address} was not used: {e.Message}"))];
        }
        var tries = await Fanout.RunAsync(missing.Select(m => m.Node), async (node, ct) =>
        {
            await spare.PinAsync(node.Address).ConfigureAwait(false);
            var (settings, credentials, hostKeys) = Reach(node);
            return (INodeShell)await SshShell.ConnectFromAsync(node, spare.Address, settings, credentials, hostKeys, ct).ConfigureAwait(false);
        }, Fanout.DefaultParallel, cancellationToken).ConfigureAwait(false);
        return [.. missing.Select(m => tries.First(t => t.Node.Name == m.Node.Name) switch
        {
            { Value: { } shell } => FromSpare(m, shell),
            { Error: var e } => Explained(m, $"not reached from the spare address {spare.Address} either: {e?.Message}"),
        })];
    }

    private NodeResult<INodeShell> FromSpare(NodeResult<INodeShell> missing, INodeShell shell)
    {
        _fromSpare[missing.Node.Name] = true;
        return new NodeResult<INodeShell>(missing.Node, shell, null, missing.Elapsed);
    }

    /// <summary>A node's own settings (<see cref="NodeSshResolver"/>), with the keys and host-key policy they name.</summary>
    private (SshSettings Settings, SshCredentials Credentials, HostKeyPolicy HostKeys) Reach(Node node) => Reach(_resolver.For(node));

    private (SshSettings Settings, SshCredentials Credentials, HostKeyPolicy HostKeys) Reach(NodeSsh ssh) =>
        (ssh.Settings, Credentials(ssh), HostKeys(ssh.Settings));

    // Loaded once per set of key files: every node and hop that shares them shares one prompt for a passphrase.
    private SshCredentials Credentials(NodeSsh ssh)
    {
        var key = string.Join("\n", [ssh.Settings.IdentityFile ?? "", .. ssh.IdentityFiles]);
        return _credentials.GetOrAdd(key, _ => new Lazy<SshCredentials>(() => SshCredentials.Load(ssh.Settings, _secrets, ssh.IdentityFiles))).Value;
    }

    // One known_hosts per file (a key accepted for one node is seen by the next), one policy per file and accept-new.
    private HostKeyPolicy HostKeys(SshSettings settings)
    {
        var path = KnownHostsPath(settings);
        return _hostKeys.GetOrAdd((path, settings.AcceptNewHostKeys), _ => new Lazy<HostKeyPolicy>(() =>
        {
            var known = _knownHosts.GetOrAdd(path, p => new Lazy<KnownHosts>(() => KnownHosts.Load(p))).Value;
            var policy = new HostKeyPolicy(known, _inventory, _localKeys, _localNodeName, settings.AcceptNewHostKeys);
            policy.KeyAccepted += message => KeyAccepted?.Invoke(message);
            return policy;
        })).Value;
    }

    /// <summary>A node behind ProxyJump hosts is reached through them only: the hijack's ways around concern links from here.</summary>
    private bool Jumped(Node node) => _resolver.For(node).Jumps.Count > 0;

    private async Task<INodeShell> ThroughJumpsAsync(Node node, NodeSsh ssh, CancellationToken cancellationToken)
    {
        var (settings, credentials, hostKeys) = Reach(ssh);
        var hops = ssh.Jumps.Select(j => new JumpHop(j, Credentials(j.Ssh), HostKeys(j.Ssh.Settings))).ToList();
        return await SshShell.ConnectThroughAsync(node, hops, settings, credentials, hostKeys, cancellationToken).ConfigureAwait(false);
    }

    private SpareAddress? Spare() =>
        _ssh.SpareAddress is { } address && _localNodeName is not null && _inventory.FindByName(_localNodeName) is { } local
            ? SpareAddress.Lease(address, local)
            : null;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _fromSpare = new(StringComparer.Ordinal);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Neighbour> _around = new(StringComparer.Ordinal);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Task<NeighbourTable>> _neighbours = new(StringComparer.Ordinal);

    private sealed record Neighbour(System.Net.IPAddress Address, LinkLocalInterface Interface);

    /// <summary>What the hijack does to a connection from here: no answer, or the address answered by another machine.</summary>
    private static bool IsCutOff(Exception? error) => error is NodeConnectException or HostKeyRejectedException { Owner: not null };

    /// <summary>A connection error with why no way around it was found; a host key refusal stays as it is (callers tell the hijack by its type).</summary>
    private static NodeResult<INodeShell> Explained(NodeResult<INodeShell> missing, string detail) => missing.Error is NodeConnectException e
        ? missing with { Error = new NodeConnectException(missing.Node.Name, $"{e.Message}; {detail}", e) }
        : missing;

    private static IReadOnlyList<HostKey> ReadLocalHostKeys(string directory)
    {
        if (!Directory.Exists(directory)) return [];
        var keys = new List<HostKey>();
        foreach (var file in Directory.EnumerateFiles(directory, "ssh_host_*_key.pub"))
        {
            try
            {
                keys.Add(HostKey.ReadPublicKeyFile(file));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
            {
                // An unreadable key of our own only weakens the hijack hint; known_hosts still decides trust.
            }
        }
        return keys;
    }
}
