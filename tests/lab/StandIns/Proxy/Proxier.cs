using System.Net;
using System.Text.Json;

namespace Lab.StandIns.Proxy;

/// <summary>
/// One IPVS-mode sync: list Services, then bind and unbind on kube-ipvs0 by <see cref="BindRules"/>. A list whose claims
/// are the ones of the last sync is a watch that saw nothing: no sync, unless the periodic one is due (the real
/// proxier syncs on every change its informers deliver, and every syncPeriod). When the list fails, the periodic
/// sync goes on from the last list, as upstream's does from its informers' cache (pkg/proxy/ipvs/proxier.go,
/// syncProxyRules on the bounded-frequency runner; v1.20's syncService calls EnsureAddressBind for every external
/// and ingress address on every sync): an address removed by hand while kube-proxy runs comes back within a period,
/// API or no API. Before its first list it syncs nothing (upstream waits for Services and Endpoints to be synced).
/// </summary>
internal sealed class Proxier(ServiceLister lister, IpvsInterface ipvs, VirtualServerTable servers, bool ipvsMode, BindRules rules)
{
    private bool _failing;
    private ServiceClaims? _lastClaimed;

    public DateTimeOffset? LastSynced { get; private set; }

    /// <param name="periodic">The sync period has passed since the last sync: sync even if nothing changed.</param>
    public async Task SyncOnceAsync(bool periodic, CancellationToken ct)
    {
        ServiceClaims claimed;
        try
        {
            claimed = await lister.ClaimedAddressesAsync(ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested && e is HttpRequestException or TaskCanceledException or JsonException or IOException)
        {
            if (!_failing)
                Log(_lastClaimed is null
                    ? $"cannot list Services ({Reason(e)}); nothing synced yet, so {IpvsInterface.Name} is left as it is"
                    : $"cannot list Services ({Reason(e)}); syncing from the last list every period");
            _failing = true;
            if (!periodic || _lastClaimed is null) return;
            await ApplyAsync(_lastClaimed, ct);
            return;
        }
        if (_failing)
            Log("listed Services again; syncing");
        _failing = false;
        if (!periodic && _lastClaimed is { } last && last.SameAs(claimed))
            return;
        _lastClaimed = claimed;
        await ApplyAsync(claimed, ct);
    }

    /// <summary>syncProxyRules: bind what the rules want, make the virtual servers, unbind by the rules, then the last-sync gauge.</summary>
    private async Task ApplyAsync(ServiceClaims claimed, CancellationToken ct)
    {
        if (!ipvsMode)
        {
            LastSynced = DateTimeOffset.UtcNow;
            return;
        }
        var (bound, elsewhere, exists) = await ipvs.ReadAsync(ct);
        if (!exists)
        {
            await ipvs.EnsureExistsAsync(ct);
            Log($"created {IpvsInterface.Name}");
        }
        var all = claimed.All;
        var wanted = rules == BindRules.V120 ? all : claimed.ClusterIps.Union(claimed.External.Where(ip => !elsewhere.Contains(ip))).ToHashSet();
        foreach (var ip in wanted.Where(ip => !bound.Contains(ip)))
        {
            var (code, _, error) = await ipvs.BindAsync(ip, ct);
            Log(code == 0 ? $"bound {ip} to {IpvsInterface.Name}" : $"cannot bind {ip} to {IpvsInterface.Name}: {error.Trim()}");
        }
        // syncService makes a virtual server for every claimed address, bound or not.
        var known = await servers.ReadAsync(ct);
        foreach (var ip in all.Where(ip => !known.Contains(ip)))
            await servers.AddAsync(ip, ct);
        var legacy = known.Where(ip => !all.Contains(ip)).ToList();
        var unbind = rules == BindRules.V120
            ? legacy.Where(bound.Contains) // cleanLegacyService: only with the deletion of its virtual server
            : bound.Where(ip => !wanted.Contains(ip)); // superfluous: whatever this sync did not bind
        foreach (var ip in unbind.ToList())
        {
            var why = !all.Contains(ip) ? "no Service claims it" : "an externalIP or ingress IP present on another interface";
            var (code, _, error) = await ipvs.UnbindAsync(ip, ct);
            Log(code == 0 ? $"unbound {ip} from {IpvsInterface.Name} ({why})" : $"cannot unbind {ip} from {IpvsInterface.Name}: {error.Trim()}");
        }
        foreach (var ip in legacy)
            await servers.DeleteAsync(ip, ct);
        // As upstream's syncProxyRules: the last-sync gauge is set at its very end, after the unbind.
        LastSynced = DateTimeOffset.UtcNow;
    }

    private static string Reason(Exception e) => e switch
    {
        TaskCanceledException => "timed out",
        HttpRequestException { InnerException: { } inner } h => $"{h.Message} {inner.Message}",
        _ => e.Message,
    };

    private static void Log(string message) => Console.Error.WriteLine($"kube-proxy: {message}");
}
