using System.Diagnostics;
using System.Runtime.CompilerServices;
using Recovery.Kubernetes;
using Recovery.Planning;
using static Recovery.Tests.Planning.Cluster;

namespace Recovery.Tests.Planning;

public sealed class ScriptPlanRendererTests
{
    private static string Golden(string name, [CallerFilePath] string here = "") => Path.Combine(Path.GetDirectoryName(here)!, "golden", name);

    /// <summary>
    /// The expected script was rendered once, then read line by line and its commands tried against real iproute2 in
    /// a network namespace (kube-ipvs0 as a down bridge, as in the lab); a change to the renderer must show up here.
    /// Set KUBE_RECOVER_UPDATE_GOLDEN=1 to rewrite it after a deliberate change, and review the diff.
    /// </summary>
    [Fact]
    public void Seed_script_for_the_local_node_matches_the_reviewed_golden_file()
    {
        var script = ScriptPlanRenderer.RenderNode(SeedPlan(), Seed(), "node2");
        var path = Golden("seed-node2.sh");
        if (Environment.GetEnvironmentVariable("KUBE_RECOVER_UPDATE_GOLDEN") == "1") File.WriteAllText(path, script);
        Assert.Equal(File.ReadAllText(path), script);
    }

    [Fact]
    public void A_script_keeps_the_fix_after_the_unbind_even_where_the_plan_fixes_first()
    {
        var plan = Planner.Create(Seed(), SeedFacts(), Intent() with { FixFirstVia = "node2" }, "node2", Created);
        Assert.Contains(plan.Phases, p => p.Kind == PhaseKind.FixFirst);

        var script = ScriptPlanRenderer.RenderNode(plan, Seed(), "node2");

        Assert.DoesNotContain("fix-first/", script, StringComparison.Ordinal);
        Assert.Contains("fix-object/node2/delete-claiming-services", script, StringComparison.Ordinal);
        Assert.True(script.IndexOf("# ---- Phase Unbind", StringComparison.Ordinal) < script.IndexOf("# ---- Phase FixObject", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_rendered_script_is_valid_bash()
    {
        var plans = new[]
        {
            SeedPlan(),
            Planner.Create(Seed(), SeedFacts(), Intent(FixAction.Strip, FixPath.Kubectl, [ServiceRef.Parse("default/nginx-service")]) with { ServicePorts = [new ServicePort("tcp", 80)] }, "node2", Created),
            Planner.Create(Seed(), SeedFacts(), Intent(path: FixPath.Etcd), "node2", Created),
            Planner.Create(Seed(), SeedFacts(new Recovery.Facts.KubeProxyFacts(Recovery.Inventory.KubeProxyManager.StaticPod, true, "ipvs", ManifestPath: "/etc/kubernetes/manifests/kube-proxy.yaml")), Intent(), "node2", Created),
        };
        foreach (var plan in plans)
        {
            var all = ScriptPlanRenderer.Render(plan, Seed());
            AssertBashSyntax(all);
            foreach (var (node, script) in ScriptPlanRenderer.RenderScripts(plan, Seed()))
            {
                Assert.StartsWith("#!/usr/bin/env bash\n", script, StringComparison.Ordinal);
                Assert.Contains("set -euo pipefail", script, StringComparison.Ordinal);
                Assert.All(plan.Steps.Where(s => s.Node == node), s => Assert.Contains($"step {s.Id} ", script, StringComparison.Ordinal));
                AssertBashSyntax(script);
            }
        }
    }

    [Fact]
    public void Scripts_keep_the_plan_order_and_say_what_must_happen_on_the_other_nodes()
    {
        var script = ScriptPlanRenderer.RenderNode(SeedPlan(), Seed(), "node1");
        int At(string text)
        {
            var i = script.IndexOf(text, StringComparison.Ordinal);
            Assert.True(i >= 0, $"missing: {text}");
            return i;
        }
        Assert.True(At("systemctl stop kube-proxy.service") < At("ip addr del 10.0.0.211/32 dev kube-ipvs0"));
        Assert.True(At("ip addr del 10.0.0.211/32 dev kube-ipvs0") < At("ip route add local 10.0.0.211 dev eth0 table local"));
        Assert.True(At("ip route add local 10.0.0.211") < At("\n  systemctl start kube-proxy.service\n"));
        Assert.True(At("# Before this phase: finish it on node2 first.") < At("ip addr del 10.0.0.211/32"));
        At("# Before this phase: kube-proxy must be stopped (phase Contain) on EVERY node.");
        At("# Only after the Service fix (phase FixObject) succeeded");
        At("this script is for node1 (10.0.0.211), which is not this machine");
    }

    [Fact]
    public void Empty_plan_renders_a_script_that_says_nothing_to_do()
    {
        var facts = new List<Recovery.Facts.NodeFacts> { FactsOf("node1", Node1, Systemd(), []), FactsOf("node2", Node2, Systemd(), []), FactsOf("node3", Node3, Systemd(), []) };
        var script = ScriptPlanRenderer.Render(Planner.Create(Seed(), facts, Intent(), "node2", Created), Seed());
        Assert.Contains("# kube-recover: nothing to do.", script, StringComparison.Ordinal);
        AssertBashSyntax(script);
    }

    private static void AssertBashSyntax(string script)
    {
        var file = Path.Combine(Path.GetTempPath(), $"kr-script-{Guid.NewGuid():N}.sh");
        File.WriteAllText(file, script);
        try
        {
            using var bash = Process.Start(new ProcessStartInfo("bash", ["-n", file]) { RedirectStandardError = true })!;
            var errors = bash.StandardError.ReadToEnd();
            bash.WaitForExit();
            Assert.True(bash.ExitCode == 0, $"bash -n: {errors}");
        }
        finally
        {
            File.Delete(file);
        }
    }
}
