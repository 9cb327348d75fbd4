using System.Net;

namespace Lab.StandIns.Proxy;

/// <summary>
/// kube-proxy settings from a KubeProxyConfiguration (kubeproxy.config.k8s.io/v1alpha1) file and the flags.
/// A flag given on the command line wins over the file (the real kube-proxy mostly ignores flags when
/// --config is set; the lab never relies on that difference).
/// </summary>
internal sealed record ProxyOptions(string Mode, string? KubeConfigPath, TimeSpan SyncPeriod, IPEndPoint MetricsBind, string? HostnameOverride, BindRules Rules)
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
            throw new StartupException($"--lab-bind-owner={bindOwner}: expected yes (v1.20: bind every claimed address) or no (newer: skip an externalIP or ingress IP another interface has)");
        if (kubeconfig is null)
            throw new StartupException("no kubeconfig: give --kubeconfig or clientConnection.kubeconfig in --config");
        return new ProxyOptions(mode, kubeconfig, GoDuration.Parse(period, "ipvs.syncPeriod"), ParseEndpoint(metrics),
            flags.Get("hostname-override") ?? config.Text("hostnameOverride"), bindOwner == "yes" ? BindRules.V120 : BindRules.Newer);
    }

    private static IPEndPoint ParseEndpoint(string text)
    {
        var withPort = text.Contains(':', StringComparison.Ordinal) ? text : text + ":10249";
        return IPEndPoint.TryParse(withPort.StartsWith(':') ? "0.0.0.0" + withPort : withPort, out var ep)
            ? ep
            : throw new StartupException($"metricsBindAddress '{text}': expected IP:PORT such as 127.0.0.1:10249");
    }

}
