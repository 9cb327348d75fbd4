using Recovery.LabTests.Recovery;

namespace Recovery.LabTests.Drills;

/// <summary>
/// "Nothing changed" for drills on a broken lab: a <see cref="ClusterSnapshot"/>, read from node2's etcd member then
/// node3's, retried while a partitioned member re-elects (drills stop members and sshds).
/// </summary>
public sealed record DrillSnapshot(ClusterSnapshot Cluster)
{
    public static async Task<DrillSnapshot> TakeAsync(LabFixture lab)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return new DrillSnapshot(await ClusterSnapshot.TakeAsync(lab, attempt % 2 == 1 ? "node2" : "node3"));
            }
            catch (InvalidOperationException) when (attempt < 6)
            {
                await Task.Delay(TimeSpan.FromSeconds(3));
            }
        }
    }

    public void AssertUnchangedSince(DrillSnapshot before, string what) => Cluster.AssertUnchangedSince(before.Cluster, what);
}
