using Recovery.Facts;
using Recovery.Facts.Parsing;
using Recovery.Inventory;
using Recovery.Tests.Fixtures;

namespace Recovery.Tests.Facts;

/// <summary>The order in which the ways of running kube-proxy are recognised.</summary>
public sealed class KubeProxyDetectionTests
{
    private static readonly IReadOnlyList<ProcessRow> Processes = ProcessTable.Parse(Fixture.Read("scenarios/ps-kubeadm-docker.txt"));
    private static readonly IReadOnlyList<ContainerRow> Docker = ContainerTable.ParseDocker(Fixture.Read("docker/docker-ps-kubeadm.txt"));
    private static readonly IReadOnlyList<ContainerRow> Cri = ContainerTable.ParseCrictl(Fixture.Read("crictl/crictl-ps.txt"));

    private static SystemdUnit Unit(string id, string load, string active, int? pid = null) =>
        new(id, load, active, active == "active" ? "running" : "dead", pid, null, [], null, null);

    private static KubeProxyEvidence Evidence(
        IReadOnlyList<SystemdUnit>? units = null, IReadOnlySet<string>? files = null,
        IReadOnlyList<ContainerRow>? docker = null, IReadOnlyList<ContainerRow>? cri = null, IReadOnlyList<ProcessRow>? processes = null) =>
        new(null, units ?? [], processes ?? Processes, files ?? new HashSet<string>(), docker ?? [], cri ?? []);

    [Fact]
    public void A_systemd_unit_comes_first()
    {
        var facts = KubeProxyDetection.Decide(Evidence(units: [Unit("kube-proxy.service", "loaded", "active", 812)], docker: Docker));

        Assert.Equal((KubeProxyManager.Systemd, "kube-proxy.service", true, 812), (facts.Manager!.Value, facts.Unit!, facts.Running, facts.Pid!.Value));
    }

    [Fact]
    public void A_stopped_systemd_unit_is_still_how_it_runs()
    {
        var facts = KubeProxyDetection.Decide(Evidence(units: [Unit("kube-proxy.service", "loaded", "inactive")], processes: []));

        Assert.Equal(KubeProxyManager.Systemd, facts.Manager);
        Assert.False(facts.Running);
    }

    [Fact]
    public void A_not_found_unit_is_ignored_and_k3s_is_recognised()
    {
        var facts = KubeProxyDetection.Decide(Evidence(units: [Unit("kube-proxy.service", "not-found", "inactive"), Unit("k3s.service", "loaded", "active", 901)]));

        Assert.Equal((KubeProxyManager.K3s, "k3s.service", 901), (facts.Manager!.Value, facts.Unit!, facts.Pid!.Value));
    }

    [Theory]
    // k3s hides its flags: the title is argv[0] + " server" / " agent" (SetProcTitle, k3s-io/k3s pkg/cli/server/server.go, pkg/cli/agent/agent.go).
    [InlineData("1 /sbin/init\n 77 /usr/local/bin/k3s server\n", "k3s.service")]
    [InlineData("1 /sbin/init\n 78 /usr/local/bin/k3s agent\n", "k3s-agent.service")]
    public void Without_systemd_k3s_is_found_by_its_process_title_which_tells_an_agent_from_a_server(string ps, string unit)
    {
        var facts = KubeProxyDetection.Decide(Evidence(processes: ProcessTable.Parse(ps)));

        Assert.Equal((KubeProxyManager.K3s, unit), (facts.Manager!.Value, facts.Unit!));
    }

    [Fact]
    public void A_static_pod_manifest_comes_before_its_container()
    {
        var facts = KubeProxyDetection.Decide(Evidence(files: new HashSet<string> { "/var/lib/rancher/rke2/agent/pod-manifests/kube-proxy.yaml" }, cri: Cri));

        Assert.Equal(KubeProxyManager.StaticPod, facts.Manager);
        Assert.Equal("/var/lib/rancher/rke2/agent/pod-manifests/kube-proxy.yaml", facts.ManifestPath);
    }

    [Fact]
    public void A_daemonset_container_under_docker_then_containerd()
    {
        Assert.Equal(("5f684df675c7", KubeProxyManager.Docker), (KubeProxyDetection.Decide(Evidence(docker: Docker, cri: Cri)).ContainerId!, KubeProxyDetection.Decide(Evidence(docker: Docker)).Manager!.Value));
        var cri = KubeProxyDetection.Decide(Evidence(cri: Cri));
        Assert.Equal((KubeProxyManager.Containerd, "f60944900ceb3", true), (cri.Manager!.Value, cri.ContainerId!, cri.Running));
    }

    [Fact]
    public void An_override_takes_what_the_node_shows_for_that_manager()
    {
        var docker = KubeProxyDetection.Decide(Evidence(docker: Docker) with { Override = new KubeProxySpec(KubeProxyManager.Docker) });
        var systemd = KubeProxyDetection.Decide(Evidence(docker: Docker) with { Override = new KubeProxySpec(KubeProxyManager.Systemd) });

        Assert.Equal((KubeProxyManager.Docker, "5f684df675c7"), (docker.Manager!.Value, docker.ContainerId!));
        // Said to be systemd but no unit seen: the unit kube-proxy is usually given, running as the process shows.
        Assert.Equal((KubeProxyManager.Systemd, "kube-proxy.service", true, (string?)null), (systemd.Manager!.Value, systemd.Unit!, systemd.Running, systemd.ContainerId));
    }

    [Fact]
    public void A_process_nobody_manages_is_running_with_no_manager()
    {
        var facts = KubeProxyDetection.Decide(Evidence());

        Assert.Null(facts.Manager);
        Assert.True(facts.Running);
        Assert.Equal(2, facts.Pid);
    }
}
