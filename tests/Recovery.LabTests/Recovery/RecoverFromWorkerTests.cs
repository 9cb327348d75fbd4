using System.Text.Json;

namespace Recovery.LabTests.Recovery;

/// <summary>Four nodes: node4 is a worker (no API server, no etcd), the operator's console for these tests.</summary>
public sealed class FourNodeLab : LabFixture
{
    protected override string Name => "recover-worker";
    protected override IReadOnlyList<string> UpArguments => ["--nodes", "4"];
}

[CollectionDefinition(Name)]
public sealed class FourNodeLabCollection : ICollectionFixture<FourNodeLab>
{
    public const string Name = "recover-worker";
}

/// <summary>
/// The etcd path from a node that is not a control-plane node: etcd is reached through an SSH local forward to a
/// control-plane node, with that node's client certificate and key read over SSH into memory only.
/// </summary>
[Collection(FourNodeLabCollection.Name)]
public sealed class RecoverFromWorkerTests(FourNodeLab lab)
{
    [SkippableFact]
    public async Task From_a_worker_with_every_api_server_down_etcd_is_reached_through_an_ssh_tunnel()
    {
        lab.EnsureReady();
        await RecoveredCluster.HealAsync(lab);
        await lab.BreakAsync();
        await ApiServers.WhileDownAsync(lab, async () =>
        {
            var diagnose = await KubeRecover.RunAsync(lab, "node4", "diagnose", "-i", lab.Env.Inventory, "--json");
            Assert.True(diagnose.ExitCode == 3, $"diagnose exit {diagnose.ExitCode}\n{diagnose.StdErr}");
            using (var report = JsonDocument.Parse(diagnose.StdOut))
            {
                var claim = report.RootElement.GetProperty("findings").GetProperty("hijacked")[0].GetProperty("claimedBy")[0];
                Assert.Equal("nginx-service", claim.GetProperty("name").GetString());
                // Not node4's own etcd (it has none): a control-plane node's, through SSH.
                Assert.Matches("^etcd via node[23] ", claim.GetProperty("source").GetString());
            }
            // The worker holds no etcd client key: nothing of it may be left on node4's disk.
            var leftovers = await lab.BashAsync("node4", "ls /etc/kubernetes/pki/apiserver-etcd-client.key 2>/dev/null; grep -rl 'PRIVATE KEY' /tmp/kube-recover* 2>/dev/null; true");
            Assert.Equal("", leftovers.StdOut.Trim());

            var state = Path.Combine(lab.Env.RunDir, "state-worker");
            var recover = await KubeRecover.RunAsync(lab, "node4", "recover", "-i", lab.Env.Inventory, "--yes", "--via", "etcd", "--state-dir", state);
            Assert.True(recover.ExitCode == 0, $"recover exit {recover.ExitCode}\n{recover.StdOut}\n{recover.StdErr}");
            Assert.Single(Directory.GetFiles(state, "backup-*.json"));
            var gone = await lab.BashAsync("node3", $"{ClusterSnapshot.EtcdCtl} get /registry/services/specs/default/nginx-service --print-value-only | wc -c");
            Assert.Equal("0", gone.EnsureSuccess("etcdctl get").StdOut.Trim());
        });
        await RecoveredCluster.AssertHealthyAsync(lab, lab.Env.Address("node1"));
    }
}
