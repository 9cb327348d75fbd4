using Recovery.Access;
using Recovery.Facts;
using Recovery.Facts.Parsing;
using Recovery.Kubernetes;

namespace Recovery.Prevention.Audit;

/// <summary>
/// Reads what audit and guard need through the API alone: kubectl on this machine with its kubeconfig (or the one
/// given), read-only verbs only (get, config view, version). kube-proxy's mode comes from its ConfigMap, else from
/// /proxyMode on this machine when it is a node.
/// </summary>
internal sealed class ClusterReader(INodeShell shell, string? kubeconfig, TimeSpan requestTimeout)
{
    private readonly List<SourceStatus> _sources = [];

    public async Task<ClusterReading> ReadAsync(CancellationToken cancellationToken)
    {
        // All at once: against an API that does not answer, the wait is one request timeout, not one per read.
        var nodesRead = GetAsync(["get", "nodes", "-o", "json"], cancellationToken);
        var servicesRead = GetAsync(["get", "services", "--all-namespaces", "-o", "json"], cancellationToken);
        var endpointsRead = GetAsync(["get", "endpoints", "-n", "default", "kubernetes", "-o", "json"], cancellationToken);
        var serverRead = GetAsync(["config", "view", "--minify", "-o", "json"], cancellationToken);
        var poolsRead = GetAsync(["get", "ipaddresspools.metallb.io", "--all-namespaces", "-o", "json"], cancellationToken);
        var legacyRead = GetAsync(["get", "configmap", "-n", "metallb-system", "config", "-o", "json"], cancellationToken);
        var modeRead = GetAsync(["get", "configmap", "-n", "kube-system", "kube-proxy", "-o", "json"], cancellationToken);
        var nodes = Parsed("Nodes", await nodesRead.ConfigureAwait(false), ClusterObjects.NodeAddresses) ?? [];
        var services = Parsed("Services (all namespaces)", await servicesRead.ConfigureAwait(false), ClusterObjects.Services) ?? [];
        var endpoints = Parsed("Endpoints default/kubernetes", await endpointsRead.ConfigureAwait(false), ClusterObjects.EndpointAddresses) ?? [];
        var server = Parsed("kubeconfig server", await serverRead.ConfigureAwait(false), ClusterObjects.KubeconfigServer);
        var pools = Parsed("MetalLB IPAddressPools (ipaddresspools.metallb.io)", await poolsRead.ConfigureAwait(false), ClusterObjects.IpAddressPools) ?? [];
        var legacy = Parsed("MetalLB ConfigMap metallb-system/config", await legacyRead.ConfigureAwait(false), ClusterObjects.LegacyMetalLbPools) ?? [];
        var mode = await ProxyModeAsync(await modeRead.ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        return new ClusterReading(nodes, services, endpoints, server, [.. pools, .. legacy], mode, _sources.ToList());
    }

    /// <summary>The API server's major.minor, or null with the reason in the sources.</summary>
    public async Task<(int Major, int Minor)?> ServerVersionAsync(CancellationToken cancellationToken) =>
        Parsed("server version", await GetAsync(["version", "-o", "json"], cancellationToken).ConfigureAwait(false), ClusterObjects.ServerVersion);

    public IReadOnlyList<SourceStatus> Sources => _sources;

    private async Task<ProxyModeReading> ProxyModeAsync(KubectlRead read, CancellationToken cancellationToken)
    {
        const string name = "kube-proxy ConfigMap kube-system/kube-proxy";
        var fromConfigMap = Parsed(name, read, ClusterObjects.ProxyModeFromConfigMap);
        // The mode only says how soon a claim bites (active, latent, unknown): it never decides whether one exists.
        _sources[^1] = _sources[^1] with { Decisive = false };
        if (fromConfigMap is not null) return new ProxyModeReading(fromConfigMap, "ConfigMap kube-system/kube-proxy (config.conf)");
        // Not kubeadm (binary installs, k3s) or not readable: ask the kube-proxy of this machine, if it is a node.
        var live = await shell.RunAsync(ProbeCommands.ProxyMode, requestTimeout, cancellationToken).ConfigureAwait(false);
        if (live.Succeeded && KubeProxyModeSources.ParseProxyModeResponse(live.StdOut) is { } mode)
        {
            return new ProxyModeReading(mode, "http://127.0.0.1:10249/proxyMode on this machine");
        }
        return new ProxyModeReading(null, "neither ConfigMap kube-system/kube-proxy nor http://127.0.0.1:10249/proxyMode answered");
    }

    private T? Parsed<T>(string name, KubectlRead read, Func<string, T> parse)
    {
        if (read.State != SourceState.Read)
        {
            _sources.Add(new SourceStatus(name, read.State, read.Detail));
            return default;
        }
        try
        {
            var value = parse(read.Json);
            _sources.Add(new SourceStatus(name, SourceState.Read, ""));
            return value;
        }
        catch (FormatException e)
        {
            _sources.Add(new SourceStatus(name, SourceState.Unreadable, e.Message));
            return default;
        }
    }

    private async Task<KubectlRead> GetAsync(string[] args, CancellationToken cancellationToken)
    {
        var argv = new List<string> { "kubectl" };
        if (kubeconfig is not null) argv.AddRange(["--kubeconfig", kubeconfig]);
        argv.Add($"--request-timeout={(int)requestTimeout.TotalSeconds}s");
        argv.AddRange(args);
        var result = await shell.RunAsync(ShellCommand.Of(argv), requestTimeout * 2, cancellationToken).ConfigureAwait(false);
        return KubectlRead.From(result);
    }
}
