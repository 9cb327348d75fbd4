using Recovery.LabTests.Recovery;

namespace Recovery.LabTests.Drills;

/// <summary>
/// kill -9 of kube-recover in each phase (Recovery/RecoverSystemdTests covers Unbind), then `--resume`, or a second
/// full `recover`: the cluster ends healthy and the Service was saved before it was deleted.
/// </summary>
[Collection(DrillsLabCollection.Name)]
public sealed class KillDrills(DrillsLab lab)
{
    [SkippableTheory]
    [InlineData("Contain")]
    [InlineData("VerifyReach")]
    [InlineData("FixObject")]
    [InlineData("Restore")]
    [InlineData("Verify")]
    public async Task Kill_9_in_a_phase_then_resume_ends_healthy(string phase)
    {
        lab.EnsureReady();
        await Drill.BreakAsync(lab);
        var node1 = lab.Env.Address("node1");
        var state = Drill.StateDir(lab, "kill-" + phase);
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
    [InlineData("FixObject")]
    public async Task Kill_9_in_a_phase_then_a_second_full_recover_ends_healthy(string phase)
    {
        lab.EnsureReady();
        // Known gap (drill run 2026-11-25, kill in Unbind): the second run exits 0 with the address gone and the Service
        // deleted, but node2's kube-proxy, stopped by the killed run, stays stopped: a new run cannot tell a kube-proxy
        // it stopped itself from one stopped on purpose. `--resume DIR` (the theory above) is the way that finishes.
        Skip.If(Environment.GetEnvironmentVariable("KUBE_RECOVER_DRILL_KNOWN_GAPS") != "1",
            "second full recover after a kill leaves the kube-proxy the killed run stopped stopped (known gap; set KUBE_RECOVER_DRILL_KNOWN_GAPS=1 to run)");
        await Drill.BreakAsync(lab);
        var node1 = lab.Env.Address("node1");
        var state = Drill.StateDir(lab, "kill-rerun-" + phase);
        await Drill.KillAtPhaseAsync(lab, "node2", state, phase, ["-i", lab.Env.Inventory]);

        var again = await KubeRecover.RunAsync(lab, "node2", "recover", "-i", lab.Env.Inventory, "--yes", "--state-dir", state + "-again");
        Assert.True(again.ExitCode == 0, Drill.Report(again));
        await RecoveredCluster.AssertHealthyAsync(lab, node1);
        await Drill.AssertServiceGoneAsync(lab);
        Drill.AssertServiceSaved(node1.ToString(), state, state + "-again");
        await RecoveredCluster.AssertStaysOffAsync(lab, node1);
    }
}
