using System.Net;
using Recovery.Addresses;
using Recovery.Prevention.Audit;

namespace Recovery.Prevention.Guard;

/// <summary>What `kube-recover guard` prints, or why it could not (<see cref="Error"/>: nothing to guard was read).</summary>
internal sealed record GuardOutcome(string Output, string? Error);

/// <summary>`kube-recover guard`: the admission policy, filled from the cluster (or from --cidr) and --protect.</summary>
internal static class ServiceGuard
{
    public static async Task<GuardOutcome> RenderAsync(string? kubeconfig, IReadOnlyList<string> cidrs, IReadOnlyList<IPAddress> protect, CancellationToken cancellationToken)
    {
        await using var shell = ClusterAudit.ThisMachine();
        var reader = new ClusterReader(shell, kubeconfig, ClusterAudit.RequestTimeout);
        var targets = new List<GuardTarget>();
        if (cidrs.Count > 0)
        {
            targets.AddRange(cidrs.Select(c => Target(c)!));
        }
        else
        {
            var reading = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var unread = reading.Sources.Where(s => s.Name is "Nodes" && s.State != SourceState.Read).ToList();
            if (unread.Count > 0) return new GuardOutcome("", $"could not read the Nodes ({unread[0].Detail}); give the addresses with --cidr");
            var report = Auditor.Decide(reading, []);
            targets.AddRange(report.Guarded.GroupBy(g => g.Address).Select(g => new GuardTarget(g.Key, null, string.Join(", ", g.Select(x => x.Owner).Distinct()))));
        }
        targets.AddRange(protect.Select(a => new GuardTarget(a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a, null, "--protect")));
        if (targets.Count == 0) return new GuardOutcome("", "no node or protected address was read and none was given (--cidr, --protect)");
        var version = await reader.ServerVersionAsync(cancellationToken).ConfigureAwait(false);
        var source = reader.Sources.LastOrDefault(s => s.Name == "server version") is { State: not SourceState.Read } failed ? failed.Detail : "kubectl version";
        return new GuardOutcome(GuardPolicy.Render(targets, version, source), null);
    }

    /// <summary>A --cidr value: an IPv4 CIDR, or an IPv6 /128; null (with <paramref name="problem"/>) otherwise.</summary>
    public static string? Problem(string cidr) => Target(cidr, out var problem) is null ? problem : null;

    private static GuardTarget? Target(string cidr) => Target(cidr, out _);

    private static GuardTarget? Target(string cidr, out string problem)
    {
        problem = "";
        if (!cidr.Contains('/', StringComparison.Ordinal) || AddressRange.Parse(cidr) is not { } range || cidr.Contains('-', StringComparison.Ordinal))
        {
            problem = $"'{cidr}' is not a CIDR; expected ADDRESS/BITS such as 10.0.0.0/24";
            return null;
        }
        if (range.IsIPv4) return range.First.Equals(range.Last) ? new GuardTarget(range.First, null, "--cidr") : new GuardTarget(null, range, "--cidr");
        if (range.First.Equals(range.Last)) return new GuardTarget(range.First, null, "--cidr");
        problem = $"'{cidr}': an IPv6 range cannot be matched without CEL's cidr() (Kubernetes 1.31+); give IPv6 addresses one by one (ADDRESS/128 or --protect)";
        return null;
    }
}
