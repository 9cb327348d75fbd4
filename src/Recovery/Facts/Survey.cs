using Recovery.Access;
using Recovery.Inventory;
using Recovery.Kubernetes.Etcd;

namespace Recovery.Facts;

/// <summary>
/// One read-only look at the whole cluster: which node this is, a shell on every node that answers, every node's
/// facts (probed in parallel), and the Services' claims: through kubectl where an API answers, else straight from
/// etcd. diagnose reports it; plan and recover plan from it. Owns the shells it opened.
/// </summary>
internal sealed class Survey : IAsyncDisposable
{
    private Survey(ClusterInventory inventory, LocalNode local, IReadOnlyList<NodeResult<INodeShell>> shells, IReadOnlyList<NodeResult<NodeFacts>> facts, ClaimsResult claims, SurveyTimes times)
    {
        Times = times;
        Inventory = inventory;
        Local = local;
        Shells = shells;
        Facts = facts;
        Claims = claims;
    }

    public ClusterInventory Inventory { get; }
    public LocalNode Local { get; }
    public IReadOnlyList<NodeResult<INodeShell>> Shells { get; }

    /// <summary>Per node: its facts, or why they could not be read (connection refused, host key rejected...).</summary>
    public IReadOnlyList<NodeResult<NodeFacts>> Facts { get; }

    public ClaimsResult Claims { get; }

    /// <summary>Where the survey's time went (the connections are zero where the shells were given).</summary>
    public SurveyTimes Times { get; }

    public IReadOnlyList<NodeFacts> Answered => Facts.Where(f => f.Succeeded && f.Value is not null).Select(f => f.Value!).ToList();

    /// <summary>The open shell of a node, when it answered.</summary>
    public INodeShell? ShellOf(string node) => Shells.FirstOrDefault(s => s.Node.Name == node && s.Succeeded)?.Value;

    /// <param name="etcd">Given a way to open shells, where to read Services when no API answers; null: kubectl only.</param>
    /// <param name="reachAcross">See <see cref="NodeProbe"/>: false for a recovery, which verifies reach itself.</param>
    public static async Task<Survey> TakeAsync(ClusterInventory inventory, LocalNode local, NodeConnector connector, int parallel,
        Func<Func<Node, CancellationToken, Task<INodeShell>>, EtcdOpener>? etcd, CancellationToken cancellationToken, bool reachAcross = true)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var shells = await connector.ConnectAllAsync(parallel, cancellationToken).ConfigureAwait(false);
        return await FromShellsAsync(inventory, local, shells, parallel, etcd is null ? null : etcd(connector.ConnectAsync), cancellationToken,
            reachAcross: reachAcross, connecting: watch.Elapsed).ConfigureAwait(false);
    }

    /// <summary>
    /// A fresh look after part of the recovery ran (stage 2 of a local-first recovery): the shells that answered
    /// before are reused (no second SSH handshake) and only the nodes that did not are connected again. Facts are read
    /// anew from those nodes and from the nodes in <paramref name="changed"/>; the others keep the facts read seconds
    /// before, since nothing acted on them in between (a kube-proxy binding an address late is caught by the guard
    /// of every unbind step, not by the survey). The Services' claims are always read again. The new survey owns the shells.
    /// </summary>
    /// <param name="changed">The nodes the earlier stage acted on.</param>
    public static async Task<Survey> RetakeAsync(Survey before, IReadOnlySet<string> changed, NodeConnector connector, int parallel,
        Func<Func<Node, CancellationToken, Task<INodeShell>>, EtcdOpener>? etcd, CancellationToken cancellationToken, bool reachAcross = true)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var shells = await Fanout.RunAsync(before.Inventory.Nodes,
            (node, ct) => before.ShellOf(node.Name) is { } open ? Task.FromResult(open) : connector.ConnectAsync(node, ct),
            parallel, cancellationToken).ConfigureAwait(false);
        var unchanged = before.Answered.Where(f => !changed.Contains(f.NodeName) && before.ShellOf(f.NodeName) is not null)
            .ToDictionary(f => f.NodeName, StringComparer.Ordinal);
        return await FromShellsAsync(before.Inventory, before.Local, shells, parallel, etcd is null ? null : etcd(connector.ConnectAsync), cancellationToken,
            unchanged, reachAcross, connecting: watch.Elapsed).ConfigureAwait(false);
    }

    /// <param name="shells">One entry per inventory node: its shell, or the error that prevented connecting.</param>
    /// <param name="known">Facts still current for some nodes: these nodes are not probed again.</param>
    /// <param name="connecting">how long connecting the shells took (zero where they were given), for <see cref="Times"/>.</param>
    public static async Task<Survey> FromShellsAsync(ClusterInventory inventory, LocalNode local, IReadOnlyList<NodeResult<INodeShell>> shells, int parallel,
        EtcdOpener? etcd, CancellationToken cancellationToken, IReadOnlyDictionary<string, NodeFacts>? known = null, bool reachAcross = true,
        TimeSpan connecting = default)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var sightings = new HijackSightings();
        foreach (var current in known?.Values ?? []) sightings.Seen(current);
        var probe = new NodeProbe(inventory, reachAcross: reachAcross, sightings: sightings);
        var byNode = shells.ToDictionary(s => s.Node.Name);
        var facts = await Fanout.RunAsync(inventory.Nodes, (node, ct) =>
        {
            if (!byNode.TryGetValue(node.Name, out var connection)) throw new InvalidOperationException($"no connection was attempted to {node.Name}");
            if (!connection.Succeeded || connection.Value is null) throw connection.Error ?? new InvalidOperationException($"could not connect to {node.Name}");
            return known is not null && known.TryGetValue(node.Name, out var current) ? Task.FromResult(current) : probe.ProbeAsync(connection.Value, ct);
        }, parallel, cancellationToken).ConfigureAwait(false);

        var probed = facts.Where(r => r.Succeeded && r.Value is not null)
            .Select(r => (Shell: byNode[r.Node.Name].Value!, Facts: r.Value!))
            .ToList();
        var factsTime = watch.Elapsed;
        var watched = inventory.Nodes.Select(n => n.Address).Concat(inventory.Protect).ToList();
        var claims = await ServiceClaimsLookup.ReadAsync(probed, cancellationToken, watched).ConfigureAwait(false);
        if (!claims.Answered && etcd is not null)
        {
            // No API answers (the lockout itself, or API servers down): read the Services from etcd.
            var fromEtcd = await EtcdServiceClaims.ReadAsync(etcd, watched, cancellationToken).ConfigureAwait(false);
            claims = fromEtcd.Answered ? fromEtcd with { Failures = [.. claims.Failures, .. fromEtcd.Failures] } : claims with { Failures = [.. claims.Failures, .. fromEtcd.Failures] };
        }
        return new Survey(inventory, local, shells, facts, claims, new SurveyTimes(connecting, factsTime, watch.Elapsed - factsTime));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var shell in Shells.Where(s => s.Succeeded && s.Value is not null)) await shell.Value!.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>A survey's wall time in its three parts, one after the other: connecting, every node's facts, the Services lookup.</summary>
internal sealed record SurveyTimes(TimeSpan Connect, TimeSpan Facts, TimeSpan Services);
