using System.Net;

namespace Recovery.LabTests.Lab;

/// <summary>
/// The recovery of SCENARIO.md done by hand through `lab.sh console`, as an operator at each node's tty would:
/// stop kube-proxy everywhere, remove the address from kube-ipvs0 everywhere, fix the Service with kubectl,
/// start kube-proxy again. <see cref="WrongOrderAsync"/> starts kube-proxy before the Service is fixed.
/// </summary>
public sealed class ManualRunbook(LabFixture lab)
{
    public async Task RunAsync(IPAddress address, string ns = "default", string service = "nginx-service")
    {
        await ContainAndUnbindAsync(address);
        await DeleteServiceAsync(ns, service);
        await StartKubeProxyEverywhereAsync();
    }

    public async Task WrongOrderAsync(IPAddress address)
    {
        await ContainAndUnbindAsync(address);
        await StartKubeProxyEverywhereAsync();
    }

    private async Task ContainAndUnbindAsync(IPAddress address)
    {
        foreach (var node in lab.Env.Nodes)
        {
            (await lab.ConsoleAsync(node, "systemctl", "stop", "kube-proxy")).EnsureSuccess($"systemctl stop kube-proxy on {node}");
        }
        foreach (var node in lab.Env.Nodes)
        {
            // Only where it is bound: an operator reads `ip addr show kube-ipvs0` first.
            (await lab.BashAsync(node, $"if ip -o addr show dev kube-ipvs0 | grep -qw '{address}/32'; then ip addr del {address}/32 dev kube-ipvs0; fi"))
                .EnsureSuccess($"ip addr del on {node}");
        }
    }

    /// <summary>From node1 once it reaches the others again. etcd may be electing a leader for a few seconds
    /// after node1's member rejoins (etcd 3.4 has no pre-vote by default): retry like an operator would.</summary>
    private async Task DeleteServiceAsync(string ns, string service)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            var delete = await lab.ConsoleAsync("node1", "kubectl", "--request-timeout=20s", "-n", ns, "delete", "svc", service, "--ignore-not-found");
            if (delete.Succeeded || DateTime.UtcNow > deadline)
            {
                delete.EnsureSuccess("kubectl delete svc");
                return;
            }
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
    }

    private async Task StartKubeProxyEverywhereAsync()
    {
        foreach (var node in lab.Env.Nodes)
        {
            (await lab.ConsoleAsync(node, "systemctl", "start", "kube-proxy")).EnsureSuccess($"systemctl start kube-proxy on {node}");
        }
    }
}
