using Recovery.LabTests.Lab;

namespace Recovery.LabTests.Recovery;

/// <summary>
/// kubeadm's DaemonSet kube-proxy on a real Docker 20.10: the tool stops kubelet, then the container; restores by
/// starting kubelet, which starts a new container (attempt+1, a new id). By state, on every node.
/// </summary>
[Collection(DaemonSetDockerLabCollection.Name)]
public sealed class RecoverDaemonSetDockerTests(DaemonSetDockerLab lab)
{
    [SkippableFact]
    public async Task Seed_recovery_from_node2_leaves_a_newer_kube_proxy_container_running_under_a_running_kubelet()
    {
        lab.EnsureReady();
        await RecoveredCluster.HealAsync(lab);
        await lab.BreakAsync();
        var before = new Dictionary<string, DockerProxyContainer>();
        foreach (var node in lab.Env.Nodes)
        {
            before[node] = Assert.Single(await DockerProxyContainer.RunningOnAsync(lab, node));
        }

        var recover = await KubeRecover.RunAsync(lab, "node2", "recover", "-i", lab.Env.Inventory, "--yes", "--state-dir", Path.Combine(lab.Env.RunDir, $"state-{Guid.NewGuid():N}"));
        Assert.True(recover.ExitCode == 0, $"recover exit {recover.ExitCode}\n{recover.StdOut}\n{recover.StdErr}");

        var node1 = lab.Env.Address("node1");
        await RecoveredCluster.AssertHealthyAsync(lab, node1);
        Assert.Contains("NotFound", (await RecoveredCluster.KubectlAsync(lab, "node3", "get", "service", "nginx-service")).StdErr);
        foreach (var node in lab.Env.Nodes)
        {
            await Poll.UntilAsync(async () => (await lab.ConsoleAsync(node, "systemctl", "is-active", "--quiet", "kubelet")).Succeeded, $"kubelet active on {node}");
            await Poll.UntilAsync(async () => await DockerProxyContainer.RunningOnAsync(lab, node) is [var now] && now.Id != before[node].Id && now.Attempt > before[node].Attempt,
                $"a kube-proxy container newer than {before[node].Name} running on {node}");
        }
        await RecoveredCluster.AssertStaysOffAsync(lab, node1);
    }
}
