namespace Recovery.Facts;

/// <summary>
/// Whether the nodes that answered are different machines. Two inventory nodes answering with the same
/// /etc/machine-id are one machine reached at two addresses: one address is hijacked (the lockout keeps the traffic
/// on the node asking) or wrong in the inventory. Acting on such facts would stop, unbind and restart on the wrong
/// machine, so nothing is planned or run until it is resolved. The host key is checked before this, at connect
/// (<see cref="Access.HostKeyPolicy"/>); this catches what known_hosts cannot, e.g. keys accepted with accept-new.
/// </summary>
internal static class NodeIdentity
{
    /// <summary>One machine-id shared by several nodes (in inventory order as given).</summary>
    public sealed record Conflict(string MachineId, IReadOnlyList<NodeFacts> Nodes)
    {
        public string Message =>
            $"{string.Join(" and ", Nodes.Select(n => n.NodeName))} answered as the same machine (machine-id {MachineId}, hostnames "
            + $"{string.Join(", ", Nodes.Select(n => n.Hostname.Length > 0 ? n.Hostname : "unknown"))}): one of their addresses reaches "
            + "another node (hijacked from here, or wrong in the inventory). Check `cat /etc/machine-id` and the address at each "
            + "node's console, fix the inventory or the local node first, then run again; a cloned VM needs its own machine-id (systemd-machine-id-setup)";
    }

    /// <summary>Machine-ids answered by more than one node; an unread (empty) machine-id never conflicts.</summary>
    public static IReadOnlyList<Conflict> Conflicts(IEnumerable<NodeFacts> facts) =>
        facts.Where(f => f.MachineId.Trim().Length > 0)
            .GroupBy(f => f.MachineId.Trim(), StringComparer.Ordinal)
            .Where(g => g.Count() > 1)
            .Select(g => new Conflict(g.Key, g.ToList()))
            .ToList();

    /// <exception cref="NodeIdentityException">Two or more nodes answered as one machine.</exception>
    public static void Require(IEnumerable<NodeFacts> facts)
    {
        var conflicts = Conflicts(facts);
        if (conflicts.Count > 0) throw new NodeIdentityException(string.Join("; ", conflicts.Select(c => c.Message)));
    }
}

/// <summary>Nodes of the inventory answered as one machine: refused before any step acts (exit 2).</summary>
internal sealed class NodeIdentityException(string message) : Exception(message);
