using System.Net;
using System.Text.Json;

namespace Lab.StandIns.Proxy;

/// <summary>
/// One IPVS-mode sync: list Services, then make kube-ipvs0 hold exactly the claimed addresses. A list whose claims
/// are the ones of the last sync is a watch that saw nothing: no sync, unless the periodic one is due (the real
/// proxier syncs on every change its informers deliver, and every syncPeriod). When the list fails, the periodic
/// sync goes on from the last list, as upstream's does from its informers' cache (pkg/proxy/ipvs/proxier.go,
/// syncProxyRules on the bounded-frequency runner; v1.20's syncService calls EnsureAddressBind for every external
/// and ingress address on every sync): an address removed by hand while kube-proxy runs comes back within a period,
/// API or no API. Before its first list it syncs nothing (upstream waits for Services and Endpoints to be synced).
/// </summary>
internal sealed class Proxier(ServiceLister lister, IpvsInterface ipvs, bool ipvsMode, bool bindOwner)
{
    private bool _failing;
    private IReadOnlySet<IPAddress>? _lastClaimed;

    public DateTimeOffset? LastSynced { get; private set; }

    /// <param name="periodic">The sync period has passed since the last sync: sync even if nothing changed.</param>
    public async Task SyncOnceAsync(bool periodic, CancellationToken ct)
    {
        IReadOnlySet<IPAddress> claimed;
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
        if (!periodic && _lastClaimed is { } last && last.SetEquals(claimed))
            return;
        _lastClaimed = claimed;
        await ApplyAsync(claimed, ct);
    }

    /// <summary>syncProxyRules: kube-ipvs0 made to hold exactly what CLAIMED wants, then the last-sync gauge.</summary>
    private async Task ApplyAsync(IReadOnlySet<IPAddress> claimed, CancellationToken ct)
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
        var wanted = claimed.Where(ip => bindOwner || !elsewhere.Contains(ip)).ToHashSet();
        foreach (var ip in wanted.Where(ip => !bound.Contains(ip)))
        {
            var (code, _, error) = await ipvs.BindAsync(ip, ct);
            Log(code == 0 ? $"bound {ip} to {IpvsInterface.Name}" : $"cannot bind {ip} to {IpvsInterface.Name}: {error.Trim()}");
        }
        foreach (var ip in bound.Where(ip => !wanted.Contains(ip)))
        {
            var why = claimed.Contains(ip) ? "present on another interface" : "no Service claims it";
            var (code, _, error) = await ipvs.UnbindAsync(ip, ct);
            Log(code == 0 ? $"unbound {ip} from {IpvsInterface.Name} ({why})" : $"cannot unbind {ip} from {IpvsInterface.Name}: {error.Trim()}");
        }
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
