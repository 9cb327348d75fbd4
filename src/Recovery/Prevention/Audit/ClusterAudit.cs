using System.Net;
using Recovery.Access;
using Recovery.Inventory;

namespace Recovery.Prevention.Audit;

/// <summary>What `kube-recover audit` prints and how it ends: found claims, nothing found but not everything read, or clean.</summary>
internal sealed record AuditOutcome(string Output, bool Found, bool Incomplete);

/// <summary>`kube-recover audit`: read-only, through the API alone, on this machine (the CLI's entry point).</summary>
internal static class ClusterAudit
{
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(15);

    public static async Task<AuditOutcome> RunAsync(string? kubeconfig, IReadOnlyList<IPAddress> protect, bool json, CancellationToken cancellationToken)
    {
        await using var shell = ThisMachine();
        var reading = await new ClusterReader(shell, kubeconfig, RequestTimeout).ReadAsync(cancellationToken).ConfigureAwait(false);
        var report = Auditor.Decide(reading, protect);
        return new AuditOutcome(json ? AuditJson.Render(report) : AuditText.Render(report), report.Found, report.Incomplete);
    }

    /// <summary>kubectl runs here, under the same timeout wrapper as every other command; no inventory is needed.</summary>
    internal static LocalShell ThisMachine() => new(new Node("localhost", IPAddress.Loopback, new HashSet<NodeRole>()));
}
