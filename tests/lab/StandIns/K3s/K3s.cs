// Stand-in for k3s (lab only: k3s cannot run here). `k3s server` runs the kube-apiserver stand-in and the kube-proxy
// stand-in in ONE process, as the real binary does: k3s-io/k3s pkg/cli/server/server.go runs the control plane and,
// unless --disable-agent, the agent in the same process; pkg/daemons/agent/agent.go starts kube-proxy in-process through
// pkg/daemons/executor with the arguments of kubeProxyArgs (pkg/daemons/agent/agent_linux.go: no metrics-bind-address,
// so kube-proxy's own default 127.0.0.1:10249 serves its metrics and /proxyMode from the k3s process). So stopping the
// `k3s` unit stops the API server and kube-proxy together, and the API server's exit ends kube-proxy too (one process).
// `k3s agent` runs only the kube-proxy stand-in (pkg/cli/agent/agent.go: no API server in an agent).
//
// Flags as k3s passes them through: --kube-apiserver-arg=KEY=VALUE and --kube-proxy-arg=KEY=VALUE (repeatable; k3s's
// ExtraAPIArgs and ExtraKubeProxyArgs in pkg/cli/cmds/server.go and agent.go), each given to its component as --KEY=VALUE.
// The role comes first (`k3s server ...`), so `ps` shows `k3s server` / `k3s agent` as the tool's detection reads it.
//
// Does not reproduce: the datastore (the lab's real etcd 3.4 units stand for k3s's embedded etcd in HA, at kubeadm's
// certificate paths, not /var/lib/rancher/k3s/server/tls), kine/sqlite, the supervisor and the agent's client load
// balancer on 127.0.0.1:6444 (server kube-proxies talk to their own API server on 127.0.0.1:6443, agents to node1's),
// containerd, the kubelet, flannel, CoreDNS, servicelb, Traefik, the k3s CLI's own flags and config file, the process
// title that hides the flags (SetProcTitle in server.go and agent.go: `ps` here shows the pass-through flags too), and
// the multicall `k3s kubectl` (the node's kubectl is the lab's kubectl 1.20).
namespace Lab.StandIns.K3s;

internal static class K3s
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken ct)
    {
        if (args.Count == 0 || args[0] is not ("server" or "agent"))
            throw new StartupException("expected `k3s server|agent [--kube-apiserver-arg=K=V]... [--kube-proxy-arg=K=V]...`");
        var server = args[0] == "server";
        using var either = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var components = new List<Task<int>> { Until(either, Proxy.KubeProxy.RunAsync(PassedTo("kube-proxy", args), either.Token)) };
        if (server) components.Add(Until(either, Http.ApiServer.RunAsync(PassedTo("kube-apiserver", args), either.Token)));
        var codes = await Task.WhenAll(components);
        return codes.FirstOrDefault(c => c != 0);
    }

    /// <summary>One process: when one component ends (an error, or SIGTERM), the other ends with it.</summary>
    private static async Task<int> Until(CancellationTokenSource either, Task<int> component)
    {
        try
        {
            return await component;
        }
        finally
        {
            await either.CancelAsync();
        }
    }

    private static Flags PassedTo(string component, IReadOnlyList<string> args)
    {
        var prefix = $"--{component}-arg=";
        return new Flags(args.Where(a => a.StartsWith(prefix, StringComparison.Ordinal)).Select(a => "--" + a[prefix.Length..]));
    }
}
