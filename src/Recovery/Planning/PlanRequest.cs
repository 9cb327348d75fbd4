using System.Net;
using Recovery.Diagnosis;
using Recovery.Facts;
using Recovery.Inventory;
using Recovery.Kubernetes;

namespace Recovery.Planning;

/// <summary>
/// What the operator asked for (--ip, --service, --action, --via, --sync-period); everything left open is decided
/// here from the facts: the target addresses, kube-proxy's sync period, and the node the plan starts from.
/// </summary>
/// <param name="Addresses">The hijacked addresses; empty: found from the facts (<see cref="Targets"/>).</param>
/// <param name="Services">Narrow the fix to these Services; null: every Service claiming the addresses.</param>
/// <param name="SyncPeriod">null: the longest kube-proxy reported, else <see cref="RecoveryIntent.DefaultSyncPeriod"/>.</param>
internal sealed record PlanRequest(IReadOnlyList<IPAddress> Addresses, IReadOnlyList<ServiceRef>? Services, FixAction Action, FixPath Via, TimeSpan? SyncPeriod)
{
    /// <param name="stoppedEarlier">Contain steps an earlier stage acted on: what they stopped is started again by this plan.</param>
    public Plan For(Survey survey, IReadOnlyCollection<string>? stoppedEarlier = null) =>
        For(survey.Inventory, survey.Diagnose(), survey.Claims.Claims, survey.Answered, survey.Local.Node?.Name, stoppedEarlier, survey.Claims.ApiNode);

    /// <param name="apiNode">The node whose API answered with the claims: the fix goes first through it (<see cref="PhaseKind.FixFirst"/>).</param>
    public Plan For(ClusterInventory inventory, Findings findings, IReadOnlyList<ServiceClaim> claims, IReadOnlyList<NodeFacts> answered, string? localNode,
        IReadOnlyCollection<string>? stoppedEarlier = null, string? apiNode = null)
    {
        var addresses = Addresses.Count > 0 ? Addresses.ToList() : Targets(inventory, findings, claims);
        var syncPeriod = SyncPeriod
            ?? answered.Select(f => f.KubeProxy.SyncPeriod).Where(p => p is not null).Max()
            ?? RecoveryIntent.DefaultSyncPeriod;
        // Fix-first only where the API that answered showed a claim on the addresses: nothing to win otherwise.
        var fixFirst = apiNode is not null && claims.Any(c => c.Addresses.Any(addresses.Contains)) ? apiNode : null;
        var intent = new RecoveryIntent(addresses, Services?.ToList(), Action, Via, syncPeriod, ServiceClaim.PortsClaiming(claims, addresses), fixFirst);
        var local = localNode ?? answered.FirstOrDefault()?.NodeName
            ?? throw new InvalidOperationException("no node answered: nothing can be planned from here; see the warnings above, or use plan --format script at each node's console");
        var stillClaimed = claims.SelectMany(c => c.Addresses).ToHashSet();
        return Planner.Create(inventory, answered, intent, local, DateTimeOffset.UtcNow, stoppedEarlier, stillClaimed, claims);
    }

    /// <summary>
    /// What to recover: every address hijacked now, and every node or protected address a Service still claims
    /// while no kube-ipvs0 holds it (after an interrupted recovery, or with kube-proxy stopped): the lockout that
    /// starts again with the next kube-proxy.
    /// </summary>
    private static List<IPAddress> Targets(ClusterInventory inventory, Findings findings, IReadOnlyList<ServiceClaim> claims)
    {
        var watched = inventory.Nodes.Select(n => n.Address).Concat(inventory.Protect).ToHashSet();
        var bound = findings.Hijacked.Where(h => h.LocksOut || h.OwnerBound == true).Select(h => h.Address);
        var claimed = claims.SelectMany(c => c.Addresses).Where(watched.Contains);
        return bound.Concat(claimed).Distinct().ToList();
    }
}
