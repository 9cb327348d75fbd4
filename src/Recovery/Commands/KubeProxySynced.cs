using System.Globalization;
using Recovery.Access;

namespace Recovery.Commands;

/// <summary>
/// Exit 0 once the kube-proxy running on the node has completed a sync since it started: its gauge
/// kubeproxy_sync_proxy_rules_last_timestamp_seconds (metrics on 127.0.0.1:10249) is at or after the process's start.
/// Upstream sets that gauge at the very end of every successful syncProxyRules, after the unbind of addresses no
/// Service claims (pkg/proxy/ipvs/proxier.go, v1.20 as today), and syncs nothing before it has received Services and
/// Endpoints, so the first sync after a start reflects the whole API state, the fix included. healthz's lastUpdated is
/// no such signal: newer releases answer the current time whenever they are healthy (pkg/proxy/healthcheck/proxier_health.go).
/// Where the gauge cannot be read (metrics elsewhere, no curl and no bash), or reads 0 (no sync since the start: its API
/// is out of reach, e.g. every API server down and the Service fixed in etcd; such a kube-proxy binds nothing), it holds
/// once the process has run <see cref="FallbackSeconds"/> (two sync periods and the margin: the blind wait, counted from
/// the start). Exit 1 while neither holds, and when no process named kube-proxy runs.
/// </summary>
internal sealed record KubeProxySynced(int FallbackSeconds) : NodeCommand
{
    public const string Gauge = "kubeproxy_sync_proxy_rules_last_timestamp_seconds";

    public int FallbackSeconds { get; } = CommandWords.Seconds(FallbackSeconds);

    public override ShellCommand ToShell() => ShellCommand.Of("bash", "-c",
        "p=$(pgrep -o -x kube-proxy) || exit 1; up=$(ps -o etimes= -p \"$p\") || exit 1; now=$(date +%s); " +
        $"m=$({{ {ProxyModeQuery.Get("/metrics").Render()}; }} 2>/dev/null | " +
        $"awk '$1 == \"{Gauge}\" {{print $2; exit}}'); " +
        $"f={FallbackSeconds.ToString(CultureInfo.InvariantCulture)}; " +
        "if [ -n \"$m\" ]; then awk -v m=\"$m\" -v s=\"$((now - up))\" -v up=\"$up\" -v f=\"$f\" 'BEGIN {exit !(m + 0 > 0 ? m + 0 >= s : up + 0 >= f + 0)}'; " +
        "else [ \"$up\" -ge \"$f\" ]; fi");
}
