using System.Net;

namespace Recovery.Kubernetes.Etcd;

/// <summary>
/// Fixes the Services claiming hijacked addresses directly in etcd (--via etcd, or auto when no API answers):
/// finds them by scanning every Service, then for each, a backup on disk first and one transaction guarded by
/// the mod revisions read. Nothing left to fix is success (a resumed or repeated run).
/// </summary>
internal sealed class EtcdServiceFixer(EtcdOpener opener, string toolVersion, string? snapshotPath = null) : IEtcdServiceFixer
{
    /// <summary>What the API server repairs by itself after a direct etcd delete (DESIGN.md).</summary>
    public const string RepairNote =
        "the API server's repair loops free the deleted Service's ClusterIP and NodePorts by themselves within about 3 to 9 minutes";

    /// <summary>How long a transient etcd error (a leader election right after the hijacked member rejoined) is retried.</summary>
    public static readonly TimeSpan RetryBudget = TimeSpan.FromSeconds(30);

    public Task<EtcdFixResult> FixAsync(ServiceRef? service, FixAction action, IReadOnlyList<IPAddress> addresses, string stateDir, CancellationToken cancellationToken) =>
        RetriedAsync(() => AttemptAsync(service, action, addresses, stateDir, cancellationToken), cancellationToken);

    public Task<EtcdClaims> ReadClaimsAsync(IReadOnlyCollection<IPAddress> addresses, CancellationToken cancellationToken) =>
        RetriedAsync(async () =>
        {
            await using var etcd = await opener.OpenAsync(cancellationToken).ConfigureAwait(false);
            var scan = await etcd.Store.ScanServicesAsync(cancellationToken).ConfigureAwait(false);
            return new EtcdClaims(scan.Claims(addresses, etcd.Source), [.. scan.Unreadable.Select(s => $"{s.Key}: {s.Problem}")], etcd.Source);
        }, cancellationToken);

    /// <summary>
    /// etcd 3.4 has no pre-vote: when node1's member rejoins after the unbind it may call an election, and reads
    /// fail with "leader changed" for a few seconds. Every attempt reads afresh and writes in one transaction
    /// guarded by what it read, so trying again is safe; a guard that fails (someone changed the key) is not retried.
    /// </summary>
    private static async Task<T> RetriedAsync<T>(Func<Task<T>> attempt, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + RetryBudget;
        while (true)
        {
            try
            {
                return await attempt().ConfigureAwait(false);
            }
            catch (EtcdStoreException e) when (e is not EtcdConflictException && DateTime.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<EtcdFixResult> AttemptAsync(ServiceRef? service, FixAction action, IReadOnlyList<IPAddress> addresses, string stateDir, CancellationToken cancellationToken)
    {
        await using var etcd = await opener.OpenAsync(cancellationToken).ConfigureAwait(false);
        var store = etcd.Store;
        IReadOnlyList<ServiceRef> targets;
        if (service is not null)
        {
            targets = [service];
        }
        else
        {
            var scan = await store.ScanServicesAsync(cancellationToken).ConfigureAwait(false);
            targets = scan.Claiming(addresses).Select(s => new ServiceRef(s.Service!.Namespace, s.Service.Name)).Distinct().ToList();
        }

        var request = new FixRequest(stateDir, toolVersion) { SnapshotPath = snapshotPath };
        var fixedServices = new List<ServiceRef>();
        var backups = new List<string>();
        foreach (var target in targets)
        {
            var objects = await store.FindServiceAsync(target, cancellationToken).ConfigureAwait(false);
            var claims = objects is null ? [] : ServiceClaimRule.ClaimsOn(objects.Service.AddressFields, addresses);
            if (objects is null || claims.Count == 0) continue;
            // The wire-level strip edits externalIPs and LB ingress only: a ClusterIP or a requested loadBalancerIP stays.
            if (action == FixAction.Strip && claims.FirstOrDefault(c => c.Field is ClaimField.ClusterIP or ClaimField.LoadBalancerIP) is { } kept)
            {
                return new EtcdFixResult(false, fixedServices, backups.FirstOrDefault(),
                    $"{target} claims {kept.Address} through {kept.FieldPath}, which strip cannot remove; use --action delete" +
                    (kept.Field == ClaimField.ClusterIP ? " and re-create the Service with another ClusterIP" : " and fix the load-balancer pool"));
            }
            var outcome = action == FixAction.Delete
                ? await store.DeleteServiceAsync(objects, request, cancellationToken).ConfigureAwait(false)
                : await store.StripServiceAsync(objects, addresses.ToList(), request, cancellationToken).ConfigureAwait(false);
            if (!outcome.Changed) continue;
            fixedServices.Add(target);
            if (outcome.BackupPath is not null) backups.Add(outcome.BackupPath);
            request = request with { SnapshotPath = null }; // one snapshot per run is enough
        }

        var verb = action == FixAction.Delete ? "deleted" : "stripped";
        var detail = fixedServices.Count == 0
            ? $"no Service in etcd claims {string.Join(", ", addresses)} ({etcd.Source})"
            : $"{verb} {string.Join(", ", fixedServices)} in {etcd.Source}; undo with: kube-recover restore --backup {string.Join(" / ", backups)}"
              + (action == FixAction.Delete ? "; " + RepairNote : "");
        return new EtcdFixResult(true, fixedServices, backups.FirstOrDefault(), detail);
    }
}
