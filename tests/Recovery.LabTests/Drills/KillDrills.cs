using Recovery.LabTests.Recovery;

namespace Recovery.LabTests.Drills;

/// <summary>
/// kill -9 of kube-recover in each phase (Recovery/RecoverSystemdTests covers Unbind), then `--resume`, or a second
/// full `recover`: the cluster ends healthy and the Service was saved before it was deleted.
/// </summary>
[Collection(KillDrillsLabCollection.Name)]
public sealed class KillDrills(KillDrillsLab lab)
{
    [SkippableTheory]
    [InlineData("Contain")]
    [InlineData("VerifyReach")]
    [InlineData(Drill.ServiceFix)]
    [InlineData("Restore")]
    [InlineData("Verify")]
    public async Task Kill_9_in_a_phase_then_resume_ends_healthy(string phase)
    {
        lab.EnsureReady();
        await Drill.BreakAsync(lab);
        var node1 = lab.Env.Address("node1");
        var state = Drill.StateDir(lab, "kill-" + phase.Replace('|', '-'));
        await Drill.KillAtPhaseAsync(lab, "node2", state, phase, ["-i", lab.Env.Inventory]);

        var resume = await KubeRecover.RunAsync(lab, "node2", "recover", "--resume", state, "-i", lab.Env.Inventory, "--yes");
        Assert.True(resume.ExitCode == 0, Drill.Report(resume));
        await RecoveredCluster.AssertHealthyAsync(lab, node1);
        await Drill.AssertServiceGoneAsync(lab);
        Drill.AssertServiceSaved(node1.ToString(), state);
        await RecoveredCluster.AssertStaysOffAsync(lab, node1);
    }

    [SkippableTheory]
    [InlineData("Unbind")]
    // Every kube-proxy stopped and the address off, the Service fix maybe not confirmed (with fix-first it went before
    // Contain, where no kube-proxy is stopped yet and no marker would be owed).
    [InlineData("VerifyReach")]
    public async Task Kill_9_in_a_phase_then_a_second_full_recover_ends_healthy(string phase)
    {
        lab.EnsureReady();
        // The second run knows nothing of the first one's state directory: only each node's stop marker
        // (/var/lib/kube-recover/stopped/kube-proxy, written before the stop) tells it which kube-proxy it owes a start.
        await Drill.BreakAsync(lab);
        var node1 = lab.Env.Address("node1");
        var state = Drill.StateDir(lab, "kill-rerun-" + phase);
        await Drill.KillAtPhaseAsync(lab, "node2", state, phase, ["-i", lab.Env.Inventory]);

        var marked = await lab.BashAsync("node2", "cat /var/lib/kube-recover/stopped/kube-proxy");
        Assert.True(marked.Succeeded, $"the killed run left no stop marker on node2: {marked.StdErr}");

        var again = await KubeRecover.RunAsync(lab, "node2", "recover", "-i", lab.Env.Inventory, "--yes", "--state-dir", state + "-again");
        Assert.True(again.ExitCode == 0, Drill.Report(again));
        Assert.Contains("stopped by an earlier kube-recover run at", again.StdOut);
        await RecoveredCluster.AssertHealthyAsync(lab, node1);
        await Drill.AssertServiceGoneAsync(lab);
        Drill.AssertServiceSaved(node1.ToString(), state, state + "-again");
        await RecoveredCluster.AssertStaysOffAsync(lab, node1);
        foreach (var node in lab.Env.Nodes)
        {
            Assert.False((await lab.BashAsync(node, "test -e /var/lib/kube-recover/stopped/kube-proxy")).Succeeded, $"{node} still keeps its stop marker");
        }
    }
}
