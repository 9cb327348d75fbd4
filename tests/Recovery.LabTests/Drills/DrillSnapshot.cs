using System.Text.RegularExpressions;
using Recovery.LabTests.Recovery;

namespace Recovery.LabTests.Drills;

/// <summary>
/// "Nothing changed" for drills on a broken lab: every node's state as <see cref="ClusterSnapshot"/> takes it, and
/// the create and mod revisions of every key under /registry/services/ (any write to a Service or its Endpoints moves
/// them). Not the cluster-wide revision: the lab's apiserver repair loop writes the allocator ranges on its own.
/// Read from node2 then node3, retried while a partitioned member re-elects.
/// </summary>
public sealed partial record DrillSnapshot(ClusterSnapshot Cluster, string ServiceKeys)
{
    public static async Task<DrillSnapshot> TakeAsync(LabFixture lab)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var cluster = await ClusterSnapshot.TakeAsync(lab);
                var node = attempt % 2 == 1 ? "node2" : "node3";
                var keys = await lab.BashAsync(node, $"{ClusterSnapshot.EtcdCtl} get /registry/services/ --prefix --keys-only -w json");
                var text = keys.EnsureSuccess("etcd Service keys").StdOut;
                return new DrillSnapshot(cluster, string.Join('\n', KeyRevisions().Matches(text).Select(m => m.Value)));
            }
            catch (InvalidOperationException) when (attempt < 6)
            {
                await Task.Delay(TimeSpan.FromSeconds(3));
            }
        }
    }

    public void AssertUnchangedSince(DrillSnapshot before, string what)
    {
        foreach (var (node, state) in before.Cluster.Nodes)
        {
            Assert.True(state == Cluster.Nodes[node], $"{what} changed {node}:\n--- before ---\n{state}\n--- after ---\n{Cluster.Nodes[node]}");
        }
        Assert.True(before.ServiceKeys.Length > 0, "no Service keys were read from etcd");
        Assert.True(before.ServiceKeys == ServiceKeys, $"{what} wrote to etcd:\n--- before ---\n{before.ServiceKeys}\n--- after ---\n{ServiceKeys}");
    }

    [GeneratedRegex("\"key\":\"[^\"]+\",\"create_revision\":\\d+,\"mod_revision\":\\d+")]
    private static partial Regex KeyRevisions();
}
