// Stand-in for kube-proxy in IPVS mode (lab only: this kernel has neither IPVS nor the dummy driver).
//
// Reproduces: --config (KubeProxyConfiguration v1alpha1: mode, clientConnection.kubeconfig, ipvs.syncPeriod,
// metricsBindAddress, hostnameOverride), --kubeconfig, --hostname-override, --proxy-mode,
// --ipvs-sync-period, --metrics-bind-address; every second (its stand-in for a watch) a list of Services through the API server
// with the kubeconfig's client certificate; after a successful list, each sync (Proxier.cs, BindRules.cs) makes
// kube-ipvs0 hold every clusterIP, spec.externalIPs entry and status.loadBalancer.ingress[].ip as /32, and records a
// "virtual server" for each (VirtualServerTable.cs: kept in the node's network namespace, as the kernel keeps IPVS
// services across kube-proxy restarts). Two sets of rules, by --lab-bind-owner:
//   yes = v1.20 (pkg/proxy/ipvs/proxier.go at release-1.20, syncProxyRules): syncService binds every one of those
//     addresses, also one another interface has (the hijack on the owner too); an address leaves kube-ipvs0 only
//     when cleanLegacyService deletes a virtual server of it that no Service wants any more and getLegacyBindAddr
//     lists it (bound, not bound by this sync). An address added to kube-ipvs0 by hand, with no virtual server, stays.
//   no = newer (read at upstream master; maintainers date it to PR #115019, v1.27.3+): an externalIP or ingress IP that another
//     interface has is not bound ("We must not add the address to the dummy device if it exist on another
//     interface"); a ClusterIP always is; every address on kube-ipvs0 this sync did not bind is removed ("Remove
//     superfluous addresses from the dummy device"), virtual server or not.
// The release-1.20 text was read in the forms on either side of it (v1.18, klog; v1.23, structured logs): the
// getLegacyBindAddr/cleanLegacyService unbinding and the bindAddr=true on all three paths are the same in both.
// While the API server is unreachable or answers an error, every periodic sync re-applies the last list (the
// informers' cache: an address deleted by hand comes back within a period); SIGTERM exits leaving the
// addresses in place; GET http://<metricsBindAddress>/proxyMode answers the mode, /healthz answers, /metrics carries
// kubeproxy_sync_proxy_rules_last_timestamp_seconds, set at the end of each sync that listed Services (0 before the
// first), in the Go client's float format (upstream pkg/proxy/ipvs/proxier.go sets it last in syncProxyRules).
//
// Does not reproduce: real IPVS virtual servers (one per address:port/protocol, with real servers; here one record per
// address), v1.20's local port held open for an externalIP the node has (OpenLocalPort), the per-family proxiers
// (v1.20's getLegacyBindAddr skips addresses of the other IP family; here one proxier handles both), excludeCIDRs,
// ipset (KUBE-EXTERNAL-IP, KUBE-IPVS-IPS ...),
// iptables chains (KUBE-IPVS-FILTER ...), watches (it polls instead), Endpoints, conntrack cleanup,
// --cleanup, the iptables and nftables modes themselves. Any other mode (`lab.sh up --proxy-mode iptables`) lists
// Services, serves /proxyMode and binds nothing, as the real iptables mode does: upstream pkg/proxy/iptables/proxier.go
// (syncProxyRules) only writes KUBE-SERVICES rules matching `-d <externalIP> -p <proto> --dport <port>` per Service
// port ("<svc> external IP", likewise for LB ingress IPs) and never puts an address on an interface, so a
// node-address externalIP is harmless there until the mode switches to IPVS.
// kube-ipvs0 is created as a dummy link, or a bridge left down when the dummy driver is missing.
namespace Lab.StandIns.Proxy;

internal static class KubeProxy
{
    public static async Task<int> RunAsync(Flags flags, CancellationToken ct)
    {
        var options = ProxyOptions.From(flags);
        KubeConfig config;
        try
        {
            config = KubeConfig.Load(options.KubeConfigPath!);
        }
        catch (Exception e) when (e is IOException or FormatException or System.Security.Cryptography.CryptographicException)
        {
            throw new StartupException($"kubeconfig {options.KubeConfigPath}: {e.Message}");
        }
        var ipvsMode = options.Mode == "ipvs";
        using var lister = new ServiceLister(config, TimeSpan.FromSeconds(5));
        var proxier = new Proxier(lister, new IpvsInterface(), new VirtualServerTable(), ipvsMode, options.Rules);
        using var metrics = new MetricsServer(options.MetricsBind, options.Mode, () => proxier.LastSynced);
        metrics.Start(ct);
        Console.Error.WriteLine($"kube-proxy (lab stand-in): Using {(ipvsMode ? "ipvs" : options.Mode)} Proxier; node {options.HostnameOverride ?? Environment.MachineName}; " +
            $"API {config.Server}; sync every {options.SyncPeriod.TotalSeconds}s; {(options.Rules == BindRules.V120 ? "v1.20" : "newer")} kube-ipvs0 rules; metrics on {options.MetricsBind}");
        try
        {
            // The informers' watch, modelled as a list every second at most: a change syncs at once, as upstream's
            // bounded-frequency runner does with minSyncPeriod 0s (pkg/util/async/bounded_frequency_runner.go, driven by
            // pkg/proxy/ipvs/proxier.go's OnServiceUpdate -> Sync), and every sync period the sync runs regardless.
            var poll = options.SyncPeriod < TimeSpan.FromSeconds(1) ? options.SyncPeriod : TimeSpan.FromSeconds(1);
            var periodicDue = DateTimeOffset.MinValue;
            while (!ct.IsCancellationRequested)
            {
                var periodic = DateTimeOffset.UtcNow >= periodicDue;
                if (periodic) periodicDue = DateTimeOffset.UtcNow + options.SyncPeriod;
                await proxier.SyncOnceAsync(periodic, ct);
                await Task.Delay(poll, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // SIGTERM: leave kube-ipvs0 as it is, like the real kube-proxy.
        }
        return 0;
    }
}
