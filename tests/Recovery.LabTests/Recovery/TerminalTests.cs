using Recovery.LabTests.Lab;

namespace Recovery.LabTests.Recovery;

/// <summary>
/// `recover` at a real terminal (tmux), as an operator meets it at node2's console: the one-screen plan summary with
/// its phase rows, the question, and an answer other than yes changing nothing. The pane is captured with its escape
/// sequences: colour is on at a terminal (it is off when stderr is a file, as every other lab test runs it).
/// </summary>
[Collection(SystemdLabCollection.Name)]
public sealed class TerminalTests(SystemdLab lab)
{
    [SkippableFact]
    public async Task At_a_terminal_recover_shows_the_summary_asks_and_a_no_changes_nothing()
    {
        lab.EnsureReady();
        Skip.If(!File.Exists("/usr/bin/tmux"), "tmux is not installed (tests/lab/install.sh installs it)");
        await RecoveredCluster.HealAsync(lab);
        await lab.BreakAsync();
        var node1 = lab.Env.Address("node1");
        var before = await ClusterSnapshot.TakeAsync(lab);
        var socket = $"kr-{Guid.NewGuid():N}"[..12];
        var state = Path.Combine(lab.Env.RunDir, "state-terminal");
        var command = $"LAB_RUN_DIR='{lab.Env.RunDir}' bash '{lab.Script.ScriptPath}' console node2 -- '{KubeRecover.Executable}' recover -i '{lab.Env.Inventory}' --state-dir '{state}'; echo EXIT=$?; sleep 600";
        await Tmux(socket, "new-session", "-d", "-x", "220", "-y", "60", "-s", "kr", command);
        try
        {
            var pane = await CaptureWhenAsync(socket, p => p.Contains("Type 'yes' to go on:", StringComparison.Ordinal), "the question");
            Assert.Contains($"Plan for {node1} from node2: 3 nodes", pane, StringComparison.Ordinal);
            Assert.Contains("Contain", pane, StringComparison.Ordinal);
            Assert.Contains("stop kube-proxy.service", pane, StringComparison.Ordinal);
            Assert.Contains($"remove from kube-ipvs0 {node1}/32", pane, StringComparison.Ordinal);
            Assert.DoesNotContain("Phase 1/", pane, StringComparison.Ordinal);
            Assert.Contains("\u001b[", pane, StringComparison.Ordinal);

            await Tmux(socket, "send-keys", "-t", "kr", "no", "Enter");
            pane = await CaptureWhenAsync(socket, p => p.Contains("EXIT=", StringComparison.Ordinal), "the end of recover");
            Assert.Contains("not confirmed: nothing was changed", pane, StringComparison.Ordinal);
            Assert.Contains("EXIT=0", pane, StringComparison.Ordinal);
        }
        finally
        {
            await Tmux(socket, "kill-server");
        }
        (await ClusterSnapshot.TakeAsync(lab)).AssertUnchangedSince(before, "a recover not confirmed");
        await RecoveredCluster.HealAsync(lab);
    }

    private static async Task<string> CaptureWhenAsync(string socket, Func<string, bool> ready, string what)
    {
        var pane = "";
        await Poll.UntilAsync(async () =>
        {
            pane = await Tmux(socket, "capture-pane", "-p", "-e", "-J", "-t", "kr", "-S", "-200");
            return ready(pane);
        }, what, TimeSpan.FromMinutes(2)).ConfigureAwait(false);
        return pane;
    }

    private static async Task<string> Tmux(string socket, params string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo("tmux") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])["-L", socket, .. args]) start.ArgumentList.Add(a);
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output;
    }
}
