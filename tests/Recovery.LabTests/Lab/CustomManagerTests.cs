namespace Recovery.LabTests.Lab;

/// <summary>A lab with kube-proxy run by custom commands (named in the inventory) and newer kube-proxy behaviour
/// (--bind-owner no: the owner keeps its address off kube-ipvs0), broken through status.loadBalancer.ingress.</summary>
[Collection(Name)]
public sealed class CustomManagerTests(CustomManagerTests.Fixture lab) : IClassFixture<CustomManagerTests.Fixture>
{
    public const string Name = "lab-custom";

    [SkippableFact]
    public async Task LoadBalancerIngressHijacksEveryNodeButTheOwner()
    {
        lab.EnsureReady();
        var inventory = await File.ReadAllTextAsync(lab.Env.Inventory);
        Assert.Contains("kubeProxy: { manager: custom, stop: \"/usr/local/sbin/lab-kube-proxy stop\", start: \"/usr/local/sbin/lab-kube-proxy start\" }", inventory);

        await lab.BreakAsync("--lb-ingress");

        var node1 = lab.Env.Address("node1").ToString();
        var status = await Poll.UntilStatusAsync(lab, s => s["node2", "route.node1"] == "local", "node2 hijacked");
        Assert.Contains(node1, status.KubeIpvs0("node2"));
        Assert.DoesNotContain(node1, status.KubeIpvs0("node1"));
        var ingress = await lab.ConsoleAsync("node2", "kubectl", "get", "svc", "nginx-service", "-o", "jsonpath={.spec.type} {.status.loadBalancer.ingress[0].ip}");
        Assert.Equal($"LoadBalancer {node1}", ingress.EnsureSuccess("kubectl get svc").StdOut.Trim());

        // The custom commands stop and start it; stopped, nothing restarts it.
        (await lab.ConsoleAsync("node2", "/usr/local/sbin/lab-kube-proxy", "stop")).EnsureSuccess("lab-kube-proxy stop");
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(1, (await lab.ConsoleAsync("node2", "pgrep", "-x", "kube-proxy")).ExitCode);
        (await lab.ConsoleAsync("node2", "/usr/local/sbin/lab-kube-proxy", "start")).EnsureSuccess("lab-kube-proxy start");
        Assert.Equal(0, (await lab.ConsoleAsync("node2", "pgrep", "-x", "kube-proxy")).ExitCode);
    }

    public sealed class Fixture : LabFixture
    {
        protected override string Name => "custom";

        protected override IReadOnlyList<string> UpArguments => ["--nodes", "3", "--proxy-manager", "custom", "--bind-owner", "no"];
    }
}
