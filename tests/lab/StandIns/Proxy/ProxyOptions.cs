using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace Lab.StandIns.Proxy;

/// <summary>
/// kube-proxy settings from a KubeProxyConfiguration (kubeproxy.config.k8s.io/v1alpha1) file and the flags.
/// A flag given on the command line wins over the file (the real kube-proxy mostly ignores flags when
/// --config is set; the lab never relies on that difference).
/// </summary>
internal sealed partial record ProxyOptions(string Mode, string? KubeConfigPath, TimeSpan SyncPeriod, IPEndPoint MetricsBind, string? HostnameOverride, bool BindOwner)
{
    public static ProxyOptions From(Flags flags)
    {
        YamlDotNet.RepresentationModel.YamlMappingNode? config = null;
        if (flags.Get("config") is { } path)
            config = Yaml.LoadFile(path, "kube-proxy config");
        var mode = flags.Get("proxy-mode") ?? config.Text("mode") ?? "iptables";
        var kubeconfig = flags.Get("kubeconfig") ?? config.Child("clientConnection").Text("kubeconfig");
        var period = flags.Get("ipvs-sync-period") ?? config.Child("ipvs").Text("syncPeriod") ?? "30s";
        var metrics = flags.Get("metrics-bind-address") ?? config.Text("metricsBindAddress") ?? "127.0.0.1:10249";
        var bindOwner = flags.Get("lab-bind-owner", "yes");
        if (bindOwner is not ("yes" or "no"))
            throw new StartupException($"--lab-bind-owner={bindOwner}: expected yes (v1.20: bind even addresses another interface has) or no (newer: skip them)");
        if (kubeconfig is null)
            throw new StartupException("no kubeconfig: give --kubeconfig or clientConnection.kubeconfig in --config");
        return new ProxyOptions(mode, kubeconfig, ParseDuration(period), ParseEndpoint(metrics),
            flags.Get("hostname-override") ?? config.Text("hostnameOverride"), bindOwner == "yes");
    }

    /// <summary>Go's time.ParseDuration for the forms configs use: 1s, 500ms, 1m0s, 1h2m3.5s.</summary>
    public static TimeSpan ParseDuration(string text)
    {
        var parts = DurationPart().Matches(text);
        if (parts.Count == 0 || string.Concat(parts.Select(m => m.Value)) != text)
            throw new StartupException($"syncPeriod '{text}': expected a Go duration such as 1s, 500ms or 1m0s");
        var total = TimeSpan.Zero;
        foreach (Match m in parts)
        {
            var n = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            total += m.Groups[2].Value switch
            {
                "h" => TimeSpan.FromHours(n),
                "m" => TimeSpan.FromMinutes(n),
                "s" => TimeSpan.FromSeconds(n),
                "ms" => TimeSpan.FromMilliseconds(n),
                "us" or "µs" => TimeSpan.FromMicroseconds(n),
                _ => TimeSpan.FromTicks((long)(n / 100)),
            };
        }
        return total > TimeSpan.Zero ? total : throw new StartupException($"syncPeriod '{text}': must be more than zero");
    }

    private static IPEndPoint ParseEndpoint(string text)
    {
        var withPort = text.Contains(':', StringComparison.Ordinal) ? text : text + ":10249";
        return IPEndPoint.TryParse(withPort.StartsWith(':') ? "0.0.0.0" + withPort : withPort, out var ep)
            ? ep
            : throw new StartupException($"metricsBindAddress '{text}': expected IP:PORT such as 127.0.0.1:10249");
    }

    [GeneratedRegex(@"(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)")]
    private static partial Regex DurationPart();
}
