using Recovery.LabTests.Recovery;

namespace Recovery.LabTests.Drills;

/// <summary>
/// etcd faults during `recover --via etcd` with every API server down: node3's etcd member stopped, so the write goes
/// through the remaining quorum (node1, node2). The Service's keys are gone from etcd, the backup holding them is on
/// disk (mode 0600), and after the API servers and the member come back the cluster is healthy. A revision changed
/// between read and write is covered against real etcd by tests/Recovery.Tests/Kubernetes/EtcdStoreTests
/// (AChangeBetweenReadAndWriteAbortsTheDeleteWithNothingWritten, ...AbortsTheStrip).
/// </summary>
[Collection(DrillsLabCollection.Name)]
public sealed class EtcdDrills(DrillsLab lab)
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
