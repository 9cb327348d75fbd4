using Recovery.LabTests.Recovery;

namespace Recovery.LabTests.Drills;

/// <summary>
/// kube-proxy started again behind the tool's back right after Contain stopped it (its supervisor, or a colleague:
/// `systemctl start kube-proxy`), on node2 where the tool runs. A running kube-proxy binds the address again as soon as
/// it reaches the API: the tool must notice (re-check, contain again) and still end healthy, the address not back
/// after several sync periods.
/// </summary>
[Collection(DrillsLabCollection.Name)]
public sealed class KubeProxyRestartDrills(DrillsLab lab)
{
    [SkippableFact]
    public async Task Kube_proxy_started_again_right_after_contain_is_handled()
    {
        lab.EnsureReady();
        await Drill.BreakAsync(lab);
        var node1 = lab.Env.Address("node1");
        var state = Drill.StateDir(lab, "proxy-restart");
        var journals = $"'{state}'/journal.jsonl '{state}'/local-first/journal.jsonl";
        var run = await lab.BashAsync("node2",
            $"'{KubeRecover.Executable}' recover -i '{lab.Env.Inventory}' --yes --state-dir '{state}' >'{state}.out' 2>&1 & pid=$!; " +
            $"for i in $(seq 1 15000); do if grep -qs '\"step\":\"contain/node2/stop-kube-proxy\",\"node\":\"node2\",\"status\":\"Done\"' {journals}; then systemctl start kube-proxy; echo restarted; break; fi; sleep 0.02; done; " +
            "wait $pid; echo \"exit=$?\"");
        var output = File.Exists(state + ".out") ? File.ReadAllText(state + ".out") : "";
        Assert.True(run.StdOut.Contains("restarted", StringComparison.Ordinal), $"kube-proxy was never restarted behind the tool:\n{run.StdOut}\n{output}");
        var exit = int.Parse(run.StdOut.Split('\n').Last(l => l.StartsWith("exit=", StringComparison.Ordinal))[5..]);
        if (exit == 4)
        {
            // Stopped partway, saying why: the documented way on is --resume, which re-checks every step.
            var resume = await KubeRecover.RunAsync(lab, "node2", "recover", "--resume", state, "-i", lab.Env.Inventory, "--yes");
            Assert.True(resume.ExitCode == 0, Drill.Report(resume));
        }
        else
        {
            Assert.True(exit == 0, $"exit {exit}\n{output}");
        }
        await RecoveredCluster.AssertHealthyAsync(lab, node1);
        await Drill.AssertServiceGoneAsync(lab);
        Drill.AssertServiceSaved(node1.ToString(), state);
        await RecoveredCluster.AssertStaysOffAsync(lab, node1);
    }
}
