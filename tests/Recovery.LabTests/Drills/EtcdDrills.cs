using Recovery.LabTests.Recovery;

namespace Recovery.LabTests.Drills;

/// <summary>
/// etcd faults during `recover --via etcd` with every API server down: node3's etcd member stopped, so the write goes
/// through the remaining quorum (node1, node2). The Service's keys are gone from etcd, the backup holding them is on
/// disk (mode 0600), and after the API servers and the member come back the cluster is healthy. A revision changed
/// between read and write is covered against real etcd by tests/Recovery.Tests/Kubernetes/EtcdStoreTests
/// (AChangeBetweenReadAndWriteAbortsTheDeleteWithNothingWritten, ...AbortsTheStrip).
/// </summary>
[Collection(KillDrillsLabCollection.Name)]
public sealed class EtcdDrills(KillDrillsLab lab)
{
    [SkippableFact]
    public async Task One_member_down_with_the_api_down_recovers_through_the_remaining_quorum()
    {
        lab.EnsureReady();
        await Drill.BreakAsync(lab);
        var node1 = lab.Env.Address("node1");
        var state = Drill.StateDir(lab, "etcd-member-down");
        Assert.All(await KeysPresentAsync(), present => Assert.True(present));
        await ApiServers.WhileDownAsync(lab, async () =>
        {
            try
            {
                (await lab.ConsoleAsync("node3", "systemctl", "stop", "etcd")).EnsureSuccess("stop node3's etcd");
                var recover = await KubeRecover.RunAsync(lab, "node2", "recover", "-i", lab.Env.Inventory, "--yes", "--via", "etcd", "--state-dir", state);
                Assert.True(recover.ExitCode == 0, Drill.Report(recover));
                var backup = Assert.Single(Directory.GetFiles(state, "backup-*.json"));
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(backup));
                var saved = File.ReadAllText(backup);
                Assert.All(SeedService.EtcdKeys, k => Assert.Contains(k, saved));
                Assert.All(await KeysPresentAsync(), present => Assert.False(present));
            }
            finally
            {
                // Before the API servers come back: node3's kube-apiserver answers only with its own etcd member.
                (await lab.ConsoleAsync("node3", "systemctl", "start", "etcd")).EnsureSuccess("start node3's etcd");
            }
        });
        await RecoveredCluster.AssertHealthyAsync(lab, node1);
        await Drill.AssertServiceGoneAsync(lab);
        await RecoveredCluster.AssertStaysOffAsync(lab, node1);
    }

    /// <summary>
    /// The etcd leader moved back and forth between node2's and node3's members (node1's is cut off by the lockout)
    /// every half second for as long as `recover --via etcd` runs: reads and the guarded transaction meet "leader
    /// changed" errors, which the fix retries from a fresh read. The raft term proves the moves happened meanwhile.
    /// </summary>
    [SkippableFact]
    public async Task Leader_moving_during_the_etcd_fix_is_retried_and_the_recovery_ends_healthy()
    {
        lab.EnsureReady();
        await Drill.BreakAsync(lab);
        var node1 = lab.Env.Address("node1");
        var state = Drill.StateDir(lab, "etcd-leader-moves");
        var endpoints = $"https://{lab.Env.Address("node2")}:2379,https://{lab.Env.Address("node3")}:2379";
        var etcdctl = ClusterSnapshot.EtcdCtl.Replace("--endpoints=https://127.0.0.1:2379", "--endpoints=" + endpoints, StringComparison.Ordinal);
        await ApiServers.WhileDownAsync(lab, async () =>
        {
            var termBefore = await RaftTermAsync(etcdctl);
            // Until the stop file appears: move the leadership to whichever of node2's and node3's members is not leading.
            var stop = Path.Combine(lab.Env.RunDir, "stop-leader-moves-" + Guid.NewGuid().ToString("N")[..6]);
            var mover = lab.BashAsync("node3",
                // `endpoint status -w simple`: endpoint, ID (hex), version, db size, is leader, is learner, raft term, ...
                $"while [ ! -e '{stop}' ]; do " +
                $"  next=$({etcdctl} endpoint status -w simple 2>/dev/null | awk -F', ' '$5 == \"false\" {{ print $2; exit }}'); " +
                $"  [ -n \"$next\" ] && {etcdctl} move-leader \"$next\" >/dev/null 2>&1; sleep 0.5; " +
                "done; exit 0");
            LabCommandResult recover;
            try
            {
                recover = await KubeRecover.RunAsync(lab, "node2", "recover", "-i", lab.Env.Inventory, "--yes", "--via", "etcd", "--state-dir", state);
            }
            finally
            {
                File.WriteAllText(stop, "");
                await mover;
            }
            var termAfter = await RaftTermAsync(etcdctl);
            Assert.True(recover.ExitCode == 0, Drill.Report(recover));
            Assert.True(termAfter >= termBefore + 2, $"the leader did not move during the recovery (raft term {termBefore} -> {termAfter})");
            var backup = Assert.Single(Directory.GetFiles(state, "backup-*.json"));
            Assert.All(SeedService.EtcdKeys, k => Assert.Contains(k, File.ReadAllText(backup)));
            Assert.All(await KeysPresentAsync(), present => Assert.False(present));
        });
        await RecoveredCluster.AssertHealthyAsync(lab, node1);
        await Drill.AssertServiceGoneAsync(lab);
        await RecoveredCluster.AssertStaysOffAsync(lab, node1);
    }

    /// <summary>The highest raft term node2's and node3's members report (each election raises it by one).</summary>
    private async Task<long> RaftTermAsync(string etcdctl)
    {
        var status = await lab.BashAsync("node3", $"{etcdctl} endpoint status -w simple | awk -F', ' '{{ print $7 }}' | sort -n | tail -1");
        return long.Parse(status.EnsureSuccess("etcd raft term").StdOut.Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Read from node2's etcd (node3's may be down), retried while the broken lab's members re-elect.</summary>
    private async Task<List<bool>> KeysPresentAsync()
    {
        var present = new List<bool>();
        foreach (var key in SeedService.EtcdKeys)
        {
            for (var attempt = 1; ; attempt++)
            {
                var get = await lab.BashAsync("node2", $"{ClusterSnapshot.EtcdCtl} get {key} --keys-only");
                if (get.Succeeded || attempt == 10)
                {
                    present.Add(get.EnsureSuccess($"etcdctl get {key}").StdOut.Contains(key, StringComparison.Ordinal));
                    break;
                }
                await Task.Delay(TimeSpan.FromSeconds(3));
            }
        }
        return present;
    }
}
