using Recovery.Facts;
using Recovery.Inventory;
using Recovery.Kubernetes;
using Recovery.Planning;
using static Recovery.Tests.Planning.Cluster;

namespace Recovery.Tests.Facts;

/// <summary>
/// A run stopped between Contain and Restore leaves a static pod's manifest where kube-recover set it aside. The
/// next survey must see a stopped static pod the tool owes a start, not a node without kube-proxy.
/// </summary>
public sealed class SetAsideManifestTests
{
    private static readonly KubeProxyEvidence Aside = new(null, [], [],
        new HashSet<string> { "/var/lib/kube-recover/aside/kube-proxy.yaml", "/etc/kubernetes/manifests" }, [], []);

    [Fact]
    public void A_manifest_set_aside_is_a_stopped_static_pod_owed_a_start()
    {
        var facts = KubeProxyDetection.Decide(Aside);
        Assert.Equal(KubeProxyManager.StaticPod, facts.Manager);
        Assert.False(facts.Running);
        Assert.True(facts.SetAsideByTool);
        Assert.Equal("/etc/kubernetes/manifests/kube-proxy.yaml", facts.ManifestPath);
    }

    [Fact]
    public void Without_the_manifest_or_its_aside_copy_there_is_no_static_pod()
    {
        Assert.Null(KubeProxyDetection.Decide(Aside with { ExistingFiles = new HashSet<string> { "/etc/kubernetes/manifests" } }).Manager);
    }

    [Fact]
    public void The_next_plan_puts_the_manifest_back_after_the_service_fix()
    {
        var aside = KubeProxyDetection.Decide(Aside) with { Mode = "ipvs" };
        var running = new KubeProxyFacts(KubeProxyManager.StaticPod, true, "ipvs", ManifestPath: "/etc/kubernetes/manifests/kube-proxy.yaml");
        var facts = SeedFacts(running).Select(f => f.NodeName == "node2" ? f with { KubeProxy = aside } : f).ToList();

        var plan = Planner.Create(Seed(), facts, Intent(), "node2", Created);

        var restore = plan.Step("restore/node2/start-kube-proxy");
        Assert.Equal(["mv /var/lib/kube-recover/aside/kube-proxy.yaml /etc/kubernetes/manifests/kube-proxy.yaml"], restore.Commands());
        Assert.True(plan.IndexOf(plan.Steps.First(s => s.Id.StartsWith("fix-object/", StringComparison.Ordinal)).Id) < plan.IndexOf(restore.Id));
    }
}
