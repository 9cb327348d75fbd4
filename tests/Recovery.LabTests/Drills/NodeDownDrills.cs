using Recovery.LabTests.Recovery;

namespace Recovery.LabTests.Drills;

/// <summary>
/// node3's sshd stopped before, or during, the recovery: node1 and node2 are recovered, the run stops partway (exit 4)
/// naming node3 with the exact commands for its console; once its sshd runs again `--resume` finishes node3.
/// The inventory names kube-proxy's manager, so the tool can plan node3's steps without reaching it.
/// </summary>
[Collection(DrillsLabCollection.Name)]
public sealed class NodeDownDrills(DrillsLab lab)
{
    [SkippableFact]
    public async Task Node_down_before_recovery_then_resume_finishes_it()
    {
        lab.EnsureReady();
        await Drill.BreakAsync(lab);
        var inventory = Drill.InventoryWithManagers(lab);
        var state = Drill.StateDir(lab, "node-down");
        (await lab.ConsoleAsync("node3", "systemctl", "stop", "ssh")).EnsureSuccess("stop node3's sshd");
        LabCommandResult first;
        try
        {
            first = await KubeRecover.RunAsync(lab, "node2", "recover", "-i", inventory, "--yes", "--state-dir", state);
            await AssertOthersRecoveredAsync(first, state);
        }
        finally
        {
            (await lab.ConsoleAsync("node3", "systemctl", "start", "ssh")).EnsureSuccess("start node3's sshd");
        }
        await ResumeAsync(inventory, state);
    }

    /// <summary>
    /// sshd stopped while recover runs (stage 2, Contain under way). Like Debian's ssh.service (KillMode=process), the
    /// lab's stop leaves open sessions alone: the tool keeps the connection it opened at preflight and either finishes
    /// (exit 0) or, if it needed a new connection, stops partway (exit 4) and `--resume` finishes. Either way: healthy.
    /// </summary>
    [SkippableFact]
    public async Task Node_sshd_stopped_during_recovery_ends_healthy()
    {
        lab.EnsureReady();
        await Drill.BreakAsync(lab);
        var inventory = Drill.InventoryWithManagers(lab);
        var state = Drill.StateDir(lab, "node-down-during");
        var run = lab.BashAsync("node2",
            $"'{KubeRecover.Executable}' recover -i '{inventory}' --yes --state-dir '{state}'; echo \"exit=$?\"");
        try
        {
            // Stage 2 (after node2's own fix) has surveyed node3: it is cut off while the steps are under way.
            await WaitForAsync(() => File.Exists(Path.Combine(state, "journal.jsonl"))
                && File.ReadAllText(Path.Combine(state, "journal.jsonl")).Contains("\"phase\":\"Contain\"", StringComparison.Ordinal));
            (await lab.ConsoleAsync("node3", "systemctl", "stop", "ssh")).EnsureSuccess("stop node3's sshd");
            var result = await run;
            var exit = int.Parse(result.StdOut.Split('\n').Last(l => l.StartsWith("exit=", StringComparison.Ordinal))[5..]);
            if (exit != 0)
            {
                await AssertOthersRecoveredAsync(new LabCommandResult(exit, result.StdOut, result.StdErr), state);
            }
        }
        finally
        {
            (await lab.ConsoleAsync("node3", "systemctl", "start", "ssh")).EnsureSuccess("start node3's sshd");
        }
        if (Directory.Exists(state) && File.ReadAllText(Path.Combine(state, "journal.jsonl")).Contains("\"exitCode\":4", StringComparison.Ordinal))
        {
            await ResumeAsync(inventory, state);
        }
        await RecoveredCluster.AssertHealthyAsync(lab, lab.Env.Address("node1"));
        await Drill.AssertServiceGoneAsync(lab);
        Drill.AssertServiceSaved(lab.Env.Address("node1").ToString(), state);
    }

    private async Task AssertOthersRecoveredAsync(LabCommandResult first, string state)
    {
        var node1 = lab.Env.Address("node1").ToString();
        Assert.True(first.ExitCode == 4, Drill.Report(first));
        Assert.Contains("node3", first.StdOut);
        Assert.Contains("kube-recover recover --resume", first.StdOut);
        var manual = first.StdOut[first.StdOut.IndexOf("To finish by hand", StringComparison.Ordinal)..];
        Assert.Contains("systemctl stop kube-proxy", manual);
        Assert.Contains($"ip addr del {node1}/32 dev kube-ipvs0", manual);
        Assert.Contains("systemctl start kube-proxy", manual);

        // kubectl is waited for, not sampled once: the API servers stall for a few seconds while etcd re-elects after
        // node1's member rejoins (its address unbound), more so on a loaded machine.
        var status = await Lab.Poll.UntilStatusAsync(lab,
            s => new[] { "node1", "node2" }.All(n => s[n, "kube_proxy"] == "running" && s[n, "kubectl"] == "ok"),
            "kube-proxy running again and kubectl answering on node1 and node2");
        foreach (var node in new[] { "node1", "node2" })
        {
            Assert.True(!status.KubeIpvs0(node).Contains(node1), $"{node1} still on {node}'s kube-ipvs0\n{status.Text}");
        }
        Assert.Equal("unicast", status["node2", "route.node1"]);
        Assert.Equal("unicast", status["node1", "route.node2"]);
        await Drill.AssertServiceGoneAsync(lab);
        Drill.AssertServiceSaved(node1, state);
    }

    private async Task ResumeAsync(string inventory, string state)
    {
        var resume = await KubeRecover.RunAsync(lab, "node2", "recover", "--resume", state, "-i", inventory, "--yes");
        Assert.True(resume.ExitCode == 0, Drill.Report(resume));
        await RecoveredCluster.AssertHealthyAsync(lab, lab.Env.Address("node1"));
        await RecoveredCluster.AssertStaysOffAsync(lab, lab.Env.Address("node1"));
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "kube-recover never reached phase Contain of stage 2");
            await Task.Delay(20);
        }
    }
}
