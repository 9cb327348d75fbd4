namespace Recovery.LabTests.Recovery;

/// <summary>kube-proxy as a static pod (manifest moved aside, then back), v1.20 behaviour.</summary>
[Collection(StaticPodLabCollection.Name)]
public sealed class RecoverStaticPodTests(StaticPodLab lab)
{
    [SkippableFact]
    public async Task Static_pod_kube_proxy_is_moved_aside_and_back()
    {
        lab.EnsureReady();
        await RecoveredCluster.HealAsync(lab);
        await lab.BreakAsync();
        var recover = await KubeRecover.RunAsync(lab, "node2", "recover", "-i", lab.Env.Inventory, "--yes", "--state-dir", Path.Combine(lab.Env.RunDir, "state"));
        Assert.True(recover.ExitCode == 0, $"recover exit {recover.ExitCode}\n{recover.StdOut}\n{recover.StdErr}");
        Assert.Contains("/var/lib/kube-recover/aside/kube-proxy.yaml", recover.StdOut);

        await RecoveredCluster.AssertHealthyAsync(lab, lab.Env.Address("node1"));
        foreach (var node in lab.Env.Nodes)
        {
            var manifest = await lab.BashAsync(node, "test -e /etc/kubernetes/manifests/kube-proxy.yaml && ! test -e /var/lib/kube-recover/aside/kube-proxy.yaml");
            Assert.True(manifest.Succeeded, $"kube-proxy's manifest is back in place on {node}");
        }
        await RecoveredCluster.AssertStaysOffAsync(lab, lab.Env.Address("node1"));
    }
}

/// <summary>Custom stop/start commands from the inventory, newer kube-proxy (owner spared), LoadBalancer ingress IP.</summary>
[Collection(CustomLabCollection.Name)]
public sealed class RecoverCustomTests(CustomLab lab)
{
    [SkippableFact]
    public async Task Load_balancer_ingress_ip_with_custom_commands_and_owner_spared()
    {
        lab.EnsureReady();
        await RecoveredCluster.HealAsync(lab);
        await lab.BreakAsync("--lb-ingress");
        var node1 = lab.Env.Address("node1");
        var status = await lab.StatusAsync();
        Assert.DoesNotContain(node1.ToString(), status.KubeIpvs0("node1"));

        var recover = await KubeRecover.RunAsync(lab, "node2", "recover", "-i", lab.Env.Inventory, "--yes", "--state-dir", Path.Combine(lab.Env.RunDir, "state"));
        Assert.True(recover.ExitCode == 0, $"recover exit {recover.ExitCode}\n{recover.StdOut}\n{recover.StdErr}");
        Assert.Contains("lab-kube-proxy", recover.StdOut);

        await RecoveredCluster.AssertHealthyAsync(lab, node1);
        Assert.Contains("NotFound", (await RecoveredCluster.KubectlAsync(lab, "node3", "get", "service", "nginx-service")).StdErr);
        await RecoveredCluster.AssertStaysOffAsync(lab, node1);
    }
}
