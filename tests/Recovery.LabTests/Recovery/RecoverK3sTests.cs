using Recovery.LabTests.Lab;

namespace Recovery.LabTests.Recovery;

/// <summary>
/// k3s: a server's unit runs its API server and kube-proxy in one process, so the tool never stops it (DESIGN.md
/// guarantee 9): the Service is fixed first through the server's own API, its kube-proxy unbinds by itself, and only
/// the agent's k3s-agent is stopped and started again.
/// </summary>
[Collection(K3sLabCollection.Name)]
public sealed class RecoverK3sTests(K3sLab lab)
{
    /// <param name="console">node2, a server; node1, the server whose address is hijacked (its own API has no quorum).</param>
    [SkippableTheory]
    [InlineData("node2")]
    [InlineData("node1")]
    public async Task Seed_recovery_from_a_server_keeps_every_k3s_server_running_and_fixes_through_an_API(string console)
    {
        lab.EnsureReady();
        await RecoveredCluster.HealAsync(lab);
        var node1 = lab.Env.Address("node1");
        var before = await MainPidsAsync();
        await lab.BreakAsync();
        // The hijack is node1's address on the other servers. node1's own kube-proxy and the agent's may never bind
        // it: they read through node1's API server (the agent's server URL), whose etcd member the others' hijack cuts
        // off from the quorum as soon as they sync (CI saw node1's; a loaded run saw node4's), and an address of its
        // own on kube-ipvs0 would route nowhere new for node1 anyway.
        await Poll.UntilStatusAsync(lab, s => lab.Env.ControlPlane.Where(n => n != "node1").All(n => s.KubeIpvs0(n).Contains(node1.ToString())),
            "node1's address on the other servers' kube-ipvs0");

        var state = Path.Combine(lab.Env.RunDir, $"state-{console}-{Guid.NewGuid():N}");
        var recover = await KubeRecover.RunAsync(lab, console, "recover", "-i", lab.Env.Inventory, "--yes", "--state-dir", state);
        Assert.True(recover.ExitCode == 0, $"recover exit {recover.ExitCode}\n{recover.StdOut}\n{recover.StdErr}");

        await RecoveredCluster.AssertHealthyAsync(lab, node1);
        Assert.Contains("NotFound", (await RecoveredCluster.KubectlAsync(lab, "node3", "get", "service", "nginx-service")).StdErr);
        // The k3s unit of every server kept its process through the run: no API server was stopped.
        Assert.Equal(before, await MainPidsAsync());
        // Stage 1 (local first) keeps its journal in a sub-folder: both stages count.
        var journal = string.Concat(Directory.GetFiles(state, "journal.jsonl", SearchOption.AllDirectories).Select(File.ReadAllText));
        Assert.Matches("\"step\":\"(fix-first|fix-object)/node[0-9]/delete-claiming-services\",\"node\":\"node[0-9]\",\"status\":\"Done\"", journal);
        Assert.Contains("\"step\":\"contain/node4/stop-kube-proxy\",\"node\":\"node4\",\"status\":\"Done\"", journal, StringComparison.Ordinal);
        Assert.All(lab.Env.ControlPlane, n => Assert.DoesNotContain($"\"step\":\"contain/{n}/", journal, StringComparison.Ordinal));
        await RecoveredCluster.AssertStaysOffAsync(lab, node1);
    }

    /// <summary>Each server's k3s MainPID as the systemctl stand-in reports it, once every unit is active.</summary>
    private async Task<List<string>> MainPidsAsync()
    {
        var pids = new List<string>();
        foreach (var server in lab.Env.ControlPlane)
        {
            var pid = "";
            await Poll.UntilAsync(async () =>
            {
                var show = await lab.ConsoleAsync(server, "systemctl", "show", "k3s", "-p", "MainPID,ActiveState");
                pid = show.StdOut.Split('\n').FirstOrDefault(l => l.StartsWith("MainPID=", StringComparison.Ordinal))?[8..] ?? "";
                return show.Succeeded && show.StdOut.Contains("ActiveState=active", StringComparison.Ordinal) && pid is not ("" or "0");
            }, $"k3s active with a main PID on {server}");
            pids.Add($"{server}:{pid}");
        }
        return pids;
    }
}
