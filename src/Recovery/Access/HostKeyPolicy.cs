using Recovery.Inventory;

namespace Recovery.Access;

/// <summary>
/// Decides whether to trust the key a node presents: known_hosts first, then, for any key that is not trusted,
/// whether it is the key of another inventory node or of this machine. Such a key means the node's address is
/// answered by that other machine (the IPVS lockout of SCENARIO.md), and it is refused even with accept-new.
/// </summary>
internal sealed class HostKeyPolicy(
    KnownHosts knownHosts,
    ClusterInventory inventory,
    IReadOnlyList<HostKey> localKeys,
    string? localNodeName,
    bool acceptNew)
{
    // One decision at a time: a key accepted for one node must be seen when the next node offers the same key.
    private readonly Lock _decide = new();

    public KnownHosts KnownHosts { get; } = knownHosts;

    /// <summary>Fires with a message when a new key is accepted and written (for the log and the operator).</summary>
    public event Action<string>? KeyAccepted;

    /// <summary>Returns normally when the key is trusted (or newly accepted); throws otherwise.</summary>
    /// <exception cref="HostKeyRejectedException">The key is unknown, mismatched, revoked, or another machine's.</exception>
    public void Verify(Node node, int port, HostKey presented)
    {
        lock (_decide) Decide(node.Name, node.Address.ToString(), node, port, presented);
    }

    /// <summary>
    /// A ProxyJump host: trusted by the known_hosts entries for the host connected to or the name it was given as, as
    /// ssh checks it. It is no inventory node, so whose key it is otherwise is not asked.
    /// </summary>
    /// <exception cref="HostKeyRejectedException">The key is unknown, mismatched or revoked.</exception>
    public void VerifyJump(string alias, string host, int port, HostKey presented)
    {
        lock (_decide) Decide(alias, host, null, port, presented);
    }

    private void Decide(string name, string host, Node? node, int port, HostKey presented)
    {
        var where = KnownHosts.LookupName(host, port);
        var match = KnownHosts.Check([host, name], port, presented);
        if (match.Outcome == HostKeyOutcome.Trusted) return;
        if (match.Outcome == HostKeyOutcome.Revoked)
        {
            throw Reject(name, where, match.Outcome, presented, null, false,
                $"host key of {name} at {where} ({presented}) is marked @revoked in {FileName} line {match.Entries[0].Line}: refusing to connect.");
        }
        if (node is not null && FindOwner(node, port, presented) is { } owner)
        {
            throw Reject(name, where, match.Outcome, presented, owner.Name, owner.IsLocal, HijackMessage(node, where, owner));
        }
        if (match.Outcome == HostKeyOutcome.Mismatch)
        {
            var known = string.Join(", ", match.Entries.Select(e => $"{e.Key} (line {e.Line})"));
            throw Reject(name, where, match.Outcome, presented, null, false,
                $"host key of {name} at {where} does NOT match {FileName}: offered {presented}, known {known}. "
                + "Someone may be intercepting the connection, or the node was reinstalled; refusing. If you checked on the node's "
                + $"console that {presented.Fingerprint} is its key (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub), remove the old entry with "
                + $"`ssh-keygen -R {ShellQuoting.Quote(where)} -f {ShellQuoting.Quote(FileName)}` and retry.");
        }
        if (!acceptNew)
        {
            throw Reject(name, where, match.Outcome, presented, null, false,
                $"host key of {name} at {where} is not in {FileName}: offered {presented}. Compare it on the node's console "
                + "(ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub), then add it to known_hosts or rerun with --accept-new-host-keys.");
        }
        try
        {
            KnownHosts.Append(host, port, presented);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Reject(name, where, match.Outcome, presented, null, false,
                $"host key of {name} at {where} ({presented}) could not be added to {FileName}: {e.Message}; not connecting with a key that is not recorded.");
        }
        KeyAccepted?.Invoke($"accepted new host key of {name} at {where}: {presented}, added to {FileName}");
    }

    /// <summary>
    /// Which inventory node offered this key at an address that names no node (a neighbour found over IPv6 link-local):
    /// the one node whose known_hosts entries (by name or inventory address) trust it. Never accepts a new key: an
    /// address found on the wire proves nothing, so a key known_hosts does not hold is refused, named, even with
    /// accept-new. This machine's own key is refused too (its own address answered).
    /// </summary>
    /// <exception cref="HostKeyRejectedException">No candidate, or more than one, trusts the key; or it is revoked.</exception>
    public Node Identify(IReadOnlyList<Node> candidates, string where, int port, HostKey presented)
    {
        lock (_decide)
        {
            if (localKeys.Contains(presented))
            {
                throw Reject(null, where, HostKeyOutcome.Unknown, presented, localNodeName ?? "this machine", true,
                    $"the neighbour at {where} offered this machine's own host key ({presented}): it is this node, not another");
            }
            var matches = inventory.Nodes.Select(n => (Node: n, Match: KnownHosts.Check([n.Address.ToString(), n.Name], port, presented))).ToList();
            if (matches.FirstOrDefault(m => m.Match.Outcome == HostKeyOutcome.Revoked) is { Node: not null } revoked)
            {
                throw Reject(revoked.Node.Name, where, HostKeyOutcome.Revoked, presented, null, false,
                    $"the neighbour at {where} offered {presented}, marked @revoked in {FileName} for {revoked.Node.Name}: refusing to connect.");
            }
            var trusted = matches.Where(m => m.Match.Outcome == HostKeyOutcome.Trusted).Select(m => m.Node).ToList();
            return trusted switch
            {
                [var node] when candidates.Contains(node) => node,
                [var node] => throw Reject(node.Name, where, HostKeyOutcome.Trusted, presented, node.Name, false,
                    $"the neighbour at {where} is {node.Name} by its host key, which this run already reaches another way"),
                [] => throw Reject(null, where, HostKeyOutcome.Unknown, presented, null, false,
                    $"the neighbour at {where} offered a host key no inventory node has in {FileName} ({presented}): refusing it, whatever it claims to be. "
                    + "A node found on the wire is identified by the key known_hosts holds for it, never by its address; add the node's key "
                    + "(ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub on its console) if this is one of yours."),
                _ => throw Reject(null, where, HostKeyOutcome.Trusted, presented, null, false,
                    $"the neighbour at {where} offered {presented}, which {FileName} trusts for {string.Join(", ", trusted.Select(n => n.Name))} at once: "
                    + "cannot tell which node it is; refusing."),
            };
        }
    }

    /// <summary>The key types known_hosts holds for a node, so the connection asks for one of those first.</summary>
    public IReadOnlySet<string> KnownKeyTypes(Node node, int port) => KnownKeyTypes([node.Address.ToString(), node.Name], port);

    /// <summary>The key types known_hosts holds under any of these names.</summary>
    public IReadOnlySet<string> KnownKeyTypes(IEnumerable<string> names, int port) =>
        names.SelectMany(n => KnownHosts.KeysFor(n, port)).Select(k => k.Type).ToHashSet();

    private string FileName => KnownHosts.Path ?? "known_hosts";

    private (string Name, bool IsLocal)? FindOwner(Node node, int port, HostKey presented)
    {
        if (localKeys.Contains(presented)) return (localNodeName ?? "this machine", true);
        // Entries holding this very key first (a cheap byte compare), then whose names they carry (HMACs when hashed).
        var holding = KnownHosts.Entries.Where(e => e.Marker == KnownHostMarker.None && e.Key.Equals(presented)).ToList();
        foreach (var other in inventory.Nodes.Where(n => n.Name != node.Name))
        {
            var names = new[] { KnownHosts.LookupName(other.Address.ToString(), port), KnownHosts.LookupName(other.Name, port) };
            if (holding.Any(e => names.Any(e.Names))) return (other.Name, other.Name == localNodeName);
        }
        return null;
    }

    private static string HijackMessage(Node node, string where, (string Name, bool IsLocal) owner) => owner.IsLocal
        ? $"host key offered at {where} belongs to {owner.Name} (this node): {node.Name}'s address is routed to {owner.Name} — "
          + "the hijacked-address lockout. Fix this node first (kube-recover recover runs here locally), then retry."
        : $"host key offered at {where} belongs to {owner.Name}: {node.Name}'s address is answered by {owner.Name} — "
          + $"the hijacked-address lockout, or a duplicate address. Fix {owner.Name} first (its kube-ipvs0 may hold {node.Address}), then retry.";

    private static HostKeyRejectedException Reject(
        string? name, string where, HostKeyOutcome outcome, HostKey presented, string? owner, bool ownerIsLocal, string message) =>
        new(name ?? "(unidentified neighbour)", where, outcome, presented.Type, presented.Fingerprint, owner, ownerIsLocal, message);
}
