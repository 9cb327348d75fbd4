using System.CommandLine;
using System.CommandLine.Parsing;
using Recovery.Diagnosis;
using Recovery.Facts;
using Recovery.Inventory;
using Recovery.Logging;
using Recovery.Planning;

namespace Recovery.Cli.Commands;

/// <summary>Options shared by `plan` and `recover`, and how they plus a survey become a Plan.</summary>
public sealed class PlanOptions
{
    public Option<TimeSpan?> SyncPeriod { get; } = new("--sync-period")
    {
        Description = "kube-proxy's sync period, e.g. 30s (default: read from kube-proxy's config, else 30s); the final check waits two of them",
        HelpName = "DURATION",
        CustomParser = ParseDuration,
    };

    public Option<FileInfo?> Snapshot { get; } = new("--etcd-snapshot") { Description = "Before the first etcd write, save an etcd snapshot to FILE (mode 0600)", HelpName = "FILE" };

    /// <param name="stoppedEarlier">Contain steps an earlier stage acted on: what they stopped is started again by this plan.</param>
    public static Plan Create(ParseResult parse, GlobalOptions global, PlanOptions options, Survey survey, IReadOnlyCollection<string>? stoppedEarlier = null) =>
        Create(parse, global, options, survey.Inventory, survey.Diagnose(), survey.Claims.Claims, survey.Answered, survey.Local.Node?.Name, stoppedEarlier);

    public static Plan Create(ParseResult parse, GlobalOptions global, PlanOptions options, ClusterInventory inventory, Findings findings,
        IReadOnlyList<ServiceClaim> claims, IReadOnlyList<NodeFacts> answered, string? localNode, IReadOnlyCollection<string>? stoppedEarlier = null)
    {
        var addresses = parse.GetValue(global.Addresses) is { Length: > 0 } given
            ? given.ToList()
            : Targets(inventory, findings, claims);
        var services = parse.GetValue(global.Services) is { Length: > 0 } s ? s.ToList() : null;
        var syncPeriod = parse.GetValue(options.SyncPeriod)
            ?? answered.Select(f => f.KubeProxy.SyncPeriod).Where(p => p is not null).Max()
            ?? RecoveryIntent.DefaultSyncPeriod;
        var intent = new RecoveryIntent(addresses, services, parse.GetValue(global.Action), parse.GetValue(global.Via), syncPeriod, ServiceClaim.PortsClaiming(claims, addresses));
        var local = localNode ?? answered.FirstOrDefault()?.NodeName
            ?? throw new InvalidOperationException("no node answered: nothing can be planned from here; see the warnings above, or use plan --format script at each node's console");
        var stillClaimed = claims.SelectMany(c => c.ExternalIPs.Concat(c.IngressIPs)).ToHashSet();
        return Planner.Create(inventory, answered, intent, local, DateTimeOffset.UtcNow, stoppedEarlier, stillClaimed);
    }

    /// <summary>
    /// What to recover: every address hijacked now, and every node or protected address a Service still claims
    /// while no kube-ipvs0 holds it (after an interrupted recovery, or with kube-proxy stopped): the lockout that
    /// starts again with the next kube-proxy.
    /// </summary>
    private static List<System.Net.IPAddress> Targets(ClusterInventory inventory, Findings findings, IReadOnlyList<ServiceClaim> claims)
    {
        var watched = inventory.Nodes.Select(n => n.Address).Concat(inventory.Protect).ToHashSet();
        var bound = findings.Hijacked.Where(h => h.LocksOut || h.OwnerBound == true).Select(h => h.Address);
        var claimed = claims.SelectMany(c => c.ExternalIPs.Concat(c.IngressIPs)).Where(watched.Contains);
        return bound.Concat(claimed).Distinct().ToList();
    }

    private static TimeSpan? ParseDuration(ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        var match = System.Text.RegularExpressions.Regex.Match(text, "^([0-9]{1,4})(ms|s|m)$");
        if (match.Success)
        {
            var n = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            var span = match.Groups[2].Value switch { "ms" => TimeSpan.FromMilliseconds(n), "s" => TimeSpan.FromSeconds(n), _ => TimeSpan.FromMinutes(n) };
            if (span > TimeSpan.Zero && span <= TimeSpan.FromMinutes(10)) return span;
        }
        result.AddError($"--sync-period: '{SafeText.Of(text)}' is not a duration; expected e.g. 1s, 30s or 2m (up to 10m)");
        return null;
    }
}
