using Recovery.Access;
using Recovery.Facts;
using Recovery.Inventory;
using Recovery.Kubernetes;
using Recovery.Planning;
using Recovery.Tests.Fixtures;

namespace Recovery.Tests.Facts;

/// <summary>
/// RKE2's layout, from rancher/rke2: static pods (kube-proxy among them) in the data dir's agent/pod-manifests
/// (pkg/rke2/rke2_linux.go: agentManifestsDir = DATA_DIR/agent/pod-manifests, DATA_DIR /var/lib/rancher/rke2), kubectl
/// and crictl in DATA_DIR/bin (not on PATH: its docs add it by hand), the admin kubeconfig /etc/rancher/rke2/rke2.yaml.
/// </summary>
public sealed class Rke2ProbeTests
{
    private const string Manifest = "/var/lib/rancher/rke2/agent/pod-manifests/kube-proxy.yaml";
    private const string Kubeconfig = "/etc/rancher/rke2/rke2.yaml";

    private static async Task<NodeFacts> ProbeRke2ServerAsync(ClusterInventory inventory)
    {
        var node = inventory.FindByName("node2")!;
        var answers = Scenario.Answers(inventory, "seed", node);
        // ls -1d prints what exists; `command -v` finds only curl (no kubectl on PATH, no docker).
        answers[ProbeCommands.KnownFiles.Render()] = new CommandResult(2,
            $"{Kubeconfig}\n{Manifest}\n/var/lib/rancher/rke2/agent/pod-manifests\n{KubectlProgram.Rke2}\n{KubectlProgram.Rke2Crictl}\n",
            "ls: cannot access '/etc/kubernetes/admin.conf': No such file or directory\n", TimeSpan.Zero);
        answers[ProbeCommands.Tools.Render()] = new CommandResult(0, "/usr/bin/curl\n", "", TimeSpan.Zero);
        answers[ProbeCommands.DockerKubeProxy.Render()] = new CommandResult(127, "", "docker: command not found\n", TimeSpan.Zero);
        return await new NodeProbe(inventory).ProbeAsync(new FixtureShell(node, answers));
    }

    [Fact]
    public async Task Kube_proxy_is_its_static_pod_and_kubectl_is_the_one_in_its_bin_folder_with_its_kubeconfig()
    {
        var facts = await ProbeRke2ServerAsync(Scenario.Inventory());

        Assert.Equal((KubeProxyManager.StaticPod, Manifest), (facts.KubeProxy.Manager!.Value, facts.KubeProxy.ManifestPath!));
        Assert.Equal(new KubectlFacts(true, Kubeconfig, KubectlProgram.Rke2), facts.Kubectl);
        Assert.Equal($"{KubectlProgram.Rke2} --kubeconfig {Kubeconfig} --request-timeout=5s get services -A -o json",
            ServiceClaimsLookup.Command(facts.Kubectl.KubeconfigPath!, facts.Kubectl.Program).Render());
    }

    [Fact]
    public async Task The_plan_moves_the_manifest_aside_and_fixes_through_RKE2s_kubectl()
    {
        var inventory = Scenario.Inventory();
        var rke2 = await ProbeRke2ServerAsync(inventory);
        NodeFacts As(string name) => rke2 with { NodeName = name, Hostname = name, MachineId = $"{name}-machine-id" };
        var facts = new List<NodeFacts> { As("node1"), As("node2"), As("node3") };
        var plan = Planner.Create(inventory, facts, Planning.Cluster.Intent(addresses: inventory.Nodes[0].Address), "node2", Planning.Cluster.Created);

        var stop = plan.Steps.Single(s => s.Id == "contain/node2/stop-kube-proxy");
        Assert.Contains($"|| mv {Manifest} /var/lib/kube-recover/aside/kube-proxy.yaml", ((RunCommands)stop.Action).Commands.Select(c => c.Render()).Last(), StringComparison.Ordinal);
        var fix = Assert.IsType<KubectlFix>(plan.Steps.Single(s => s.Id.StartsWith("fix-object/", StringComparison.Ordinal)).Action);
        Assert.All(fix.Candidates, c => Assert.Equal((Kubeconfig, KubectlProgram.Rke2), (c.Kubeconfig!, c.Program!)));
        Assert.Contains($"kubectl_=({KubectlProgram.Rke2} --kubeconfig {Kubeconfig} --request-timeout=10s)", ScriptPlanRenderer.RenderNode(plan, inventory, "node2"));
    }
}
