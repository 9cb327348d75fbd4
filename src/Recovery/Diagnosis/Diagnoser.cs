using System.Net;
using Recovery.Access;
using Recovery.Facts;
using Recovery.Inventory;
using Recovery.Kubernetes;

namespace Recovery.Diagnosis;

/// <summary>
/// Pure: from every node's facts, the inventory (with its protected addresses) and the Service claims, finds the
/// hijacked addresses, where they are hijacked, what that cuts off, and which Services cause it.
/// </summary>
internal static class Diagnoser
{
    /// <summary>Diagnoses from a fan-out's results: a node whose probe failed is an unreachable node, with the error as reason.</summary>
    public static Findings Diagnose(ClusterInventory inventory, IReadOnlyList<NodeResult<NodeFacts>> results, IReadOnlyList<ServiceClaim> claims, string? console = null)
    {
        var facts = results.Where(r => r.Succeeded && r.Value is not null).Select(r => r.Value!).ToList();
        var unreachable = results.Where(r => !r.Succeeded)
            .Select(r => new UnreachableNode(r.Node.Name, r.Node.Address, r.Error?.Message ?? "unknown error"))
            .ToList();
        return Diagnose(inventory, facts, unreachable, claims, console);
    }

    /// <param name="console">the node this runs on, when known: at its own address's owner, silent nodes are presumed hijacked.</param>
    public static Findings Diagnose(
        ClusterInventory inventory, IReadOnlyList<NodeFacts> facts, IReadOnlyList<UnreachableNode> unreachable, IReadOnlyList<ServiceClaim> claims, string? console = null)
    {
        var notices = new List<Notice>();
        var ordered = facts.OrderBy(f => NodeOrder(inventory, f.NodeName)).ToList();
        var watched = inventory.Nodes.Select(n => n.Address).Concat(inventory.Protect).Distinct().ToList();

        var hijacked = new List<HijackedAddress>();
        foreach (var address in watched.OrderBy(a => a, AddressOrder.Instance))
        {
            var boundOn = ordered.Where(f => f.IpvsAddresses.Contains(address)).Select(f => f.NodeName).ToList();
            var owner = OwnerOf(inventory, ordered, address);
            var claimedBy = claims.Where(c => c.Claims(address)).ToList();
            var localElsewhere = ordered
                .Where(f => f.NodeName != owner && !f.OwnAddresses.Contains(address) && f.RoutesLocally(address))
                .Select(f => f.NodeName).ToList();
            var presumedOn = owner is not null && owner == console ? PresumedOn(ordered, unreachable, owner, boundOn, claimedBy, localElsewhere) : [];
            if (boundOn.Count == 0 && presumedOn.Count == 0)
            {
                foreach (var node in localElsewhere)
                {
                    notices.Add(new Notice(NoticeKind.LocalRouteElsewhere, node,
                        $"{Describe(inventory, address, owner)} routes locally on {node} without being on {NodeFacts.IpvsInterface}: not this lockout; look at `ip addr` and `ip route show table local` there"));
                }
                continue;
            }

            var hijackedOn = ordered
                .Where(f => f.NodeName != owner && f.Hijacks(address))
                .Select(f => f.NodeName).ToList();
            var finding = new HijackedAddress(
                address,
                owner,
                inventory.Protect.Contains(address),
                hijackedOn,
                boundOn,
                // Unknown where the owner's addresses were not read: an empty list is no sign of a newer kube-proxy sparing it.
                ordered.FirstOrDefault(f => f.NodeName == owner) is { AddressesUnread: false } ? boundOn.Contains(owner!) : null,
                BrokenReach(ordered, [.. hijackedOn, .. presumedOn], address, owner),
                claimedBy)
            {
                PresumedOn = presumedOn,
            };
            hijacked.Add(finding);
            if (!finding.LocksOut && boundOn.Count > 0)
            {
                notices.Add(new Notice(NoticeKind.OwnerOnly, owner,
                    $"{Describe(inventory, address, owner)} is on {NodeFacts.IpvsInterface} of its owner only: no lockout now, but while a Service claims it, every other node's kube-proxy in IPVS mode binds it at its next sync"));
            }
        }

        foreach (var claim in claims)
        {
            foreach (var address in claim.Addresses.Where(watched.Contains))
            {
                if (hijacked.Any(h => h.Address.Equals(address))) continue;
                notices.Add(new Notice(NoticeKind.UnboundClaim, null,
                    $"Service {claim.Service} claims {Describe(inventory, address, OwnerOf(inventory, ordered, address))} ({string.Join(", ", claim.FieldsClaiming(address))}); no {NodeFacts.IpvsInterface} holds it now, but kube-proxy in IPVS mode will bind it on every node"));
            }
        }

        foreach (var conflict in NodeIdentity.Conflicts(ordered))
        {
            notices.Add(new Notice(NoticeKind.SameMachine, conflict.Nodes[0].NodeName, conflict.Message));
        }

        foreach (var f in ordered.Where(f => f.KubeProxy.Unknown is not null))
        {
            // Never "not found" for what a busy node did not answer: the plan holds before the Service fix on it.
            notices.Add(new Notice(NoticeKind.ProbeNote, f.NodeName,
                $"how kube-proxy runs on {f.NodeName} is unknown, not absent ({f.KubeProxy.Unknown}); recover stops before the Service fix until it is known (or kubeProxy.manager is given in the inventory)"));
        }
        foreach (var f in ordered)
        {
            if (f.KubeProxy.Manager is null && !f.KubeProxy.Running) continue;
            if (f.KubeProxy.Mode == "unknown")
            {
                notices.Add(new Notice(NoticeKind.ModeUnknown, f.NodeName, $"kube-proxy's mode on {f.NodeName} is unknown (/proxyMode did not answer, no config or flag found)"));
            }
            else if (!f.KubeProxy.IsIpvs)
            {
                notices.Add(new Notice(NoticeKind.NotIpvs, f.NodeName,
                    $"kube-proxy on {f.NodeName} runs in {f.KubeProxy.Mode} mode: it does not bind external addresses to an interface, so this lockout does not come from it"));
            }
        }
        foreach (var f in ordered)
        {
            if (f.KubeProxy.StoppedBy is not { } marker) continue;
            notices.Add(new Notice(NoticeKind.StoppedByTool, f.NodeName, f.KubeProxy.Running
                ? $"{f.NodeName} keeps {StopMarker.FilePath} (an earlier kube-recover run, at {marker.When}), but its kube-proxy runs: the marker is stale"
                : $"kube-proxy on {f.NodeName} was stopped by an earlier kube-recover run at {marker.When} ({StopMarker.FilePath}): recover starts it again after the Service fix"
                  + (marker.KubeletStopped && !f.KubeletRunning ? ", with kubelet" : "")));
        }
        foreach (var f in ordered)
        {
            notices.AddRange(f.Notes.Select(n => new Notice(NoticeKind.ProbeNote, f.NodeName, n)));
        }

        var withHints = unreachable
            .OrderBy(u => NodeOrder(inventory, u.Node))
            .Select(u => u with { Hint = HintFor(u, hijacked) })
            .ToList();
        return new Findings(hijacked, withHints, notices) { AddressesUnread = [.. ordered.Where(f => f.AddressesUnread).Select(f => f.NodeName)] };
    }

    /// <summary>
    /// At the owner's console the hijacked nodes cannot be read: every connection from here leaves with the owner's
    /// address, and their replies to it stay on them. So where this console (read) holds its own address on kube-ipvs0,
    /// or a Service claims it, every node that did not answer is presumed to hold it too: the lockout is reported
    /// (exit 3), marked as not seen, never "no lockout". Not where a node that was read does not hold it: a claim
    /// kube-proxy acts on is bound on every node.
    /// </summary>
    private static List<string> PresumedOn(
        IReadOnlyList<NodeFacts> facts, IReadOnlyList<UnreachableNode> unreachable, string owner, IReadOnlyList<string> boundOn,
        IReadOnlyList<ServiceClaim> claimedBy, IReadOnlyList<string> localElsewhere)
    {
        if (facts.All(f => f.NodeName != owner)) return [];
        // A node whose addresses were not read is no sign against the lockout: its kube-ipvs0 may hold the address.
        if (facts.Any(f => f.NodeName != owner && !f.AddressesUnread && !boundOn.Contains(f.NodeName) && !localElsewhere.Contains(f.NodeName))) return [];
        if (!boundOn.Contains(owner) && claimedBy.Count == 0) return [];
        return [.. unreachable.Where(u => u.Node != owner).Select(u => u.Node)];
    }

    /// <summary>
    /// Towards the owner from each hijacked node; and from the owner towards the hijacked nodes, whose replies to the
    /// owner's address never leave them (the owner is cut off from the others).
    /// </summary>
    private static List<BrokenReach> BrokenReach(IReadOnlyList<NodeFacts> facts, IReadOnlyList<string> hijackedOn, IPAddress address, string? owner)
    {
        var broken = new List<BrokenReach>();
        if (facts.FirstOrDefault(f => f.NodeName == owner) is { } ownerFacts)
        {
            foreach (var probe in ownerFacts.Reach.Where(p => !p.Reachable && hijackedOn.Contains(p.TargetNode)))
            {
                broken.Add(new BrokenReach(ownerFacts.NodeName, probe.TargetNode, probe.TargetAddress, probe.Port, false,
                    $"{probe.Detail}: its replies to {address} stay on {probe.TargetNode}"));
            }
        }
        foreach (var f in facts.Where(f => hijackedOn.Contains(f.NodeName)))
        {
            foreach (var probe in f.Reach.Where(p => p.TargetAddress.Equals(address)))
            {
                // Through a hijacked address, "connected" only means something on this same node answered.
                broken.Add(probe.Reachable
                    ? new BrokenReach(f.NodeName, probe.TargetNode, address, probe.Port, true, "connected to itself: the route is local")
                    : new BrokenReach(f.NodeName, probe.TargetNode, address, probe.Port, false, probe.Detail));
            }
        }
        return broken;
    }

    private static string? HintFor(UnreachableNode node, IReadOnlyList<HijackedAddress> hijacked)
    {
        if (hijacked.FirstOrDefault(x => x.Address.Equals(node.Address) && x.HijackedOn.Count > 0) is { } seen)
        {
            return $"its address is on {NodeFacts.IpvsInterface} of {string.Join(", ", seen.HijackedOn)}: from there, connections to it stay on the node itself";
        }
        var presumed = hijacked.Where(x => x.PresumedOn.Contains(node.Node)).Select(x => x.Address.ToString()).ToList();
        return presumed.Count == 0 ? null
            : $"presumed to hold {string.Join(", ", presumed)} on its {NodeFacts.IpvsInterface}: its replies to {(presumed.Count == 1 ? "that address" : "those addresses")} would stay on it, which is why it does not answer (not seen: it could not be read)";
    }

    /// <summary>The inventory node with that address, else a node holding it on a real interface (a VIP, for example).</summary>
    private static string? OwnerOf(ClusterInventory inventory, IReadOnlyList<NodeFacts> facts, IPAddress address) =>
        inventory.FindByAddress(address)?.Name ?? facts.FirstOrDefault(f => f.OwnAddresses.Contains(address))?.NodeName;

    internal static string Describe(ClusterInventory inventory, IPAddress address, string? owner)
    {
        if (inventory.FindByAddress(address) is { } node) return $"{address} ({node.Name}'s address)";
        if (owner is not null) return $"{address} (protected, held by {owner})";
        return $"{address} (protected)";
    }

    private static int NodeOrder(ClusterInventory inventory, string name)
    {
        for (var i = 0; i < inventory.Nodes.Count; i++)
        {
            if (inventory.Nodes[i].Name == name) return i;
        }
        return int.MaxValue;
    }
}

/// <summary>Orders addresses numerically (IPv4 before IPv6), so reports are stable.</summary>
internal sealed class AddressOrder : IComparer<IPAddress>
{
    public static readonly AddressOrder Instance = new();

    public int Compare(IPAddress? x, IPAddress? y)
    {
        if (x is null || y is null) return x is null ? (y is null ? 0 : -1) : 1;
        var a = x.GetAddressBytes();
        var b = y.GetAddressBytes();
        if (a.Length != b.Length) return a.Length.CompareTo(b.Length);
        for (var i = 0; i < a.Length; i++)
        {
            if (a[i] != b[i]) return a[i].CompareTo(b[i]);
        }
        return 0;
    }
}
