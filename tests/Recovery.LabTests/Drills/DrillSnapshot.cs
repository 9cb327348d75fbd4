using Recovery.LabTests.Recovery;

namespace Recovery.LabTests.Drills;

/// <summary>"Nothing changed" for drills on a broken lab: a <see cref="ClusterSnapshot"/> (which retries etcd across members).</summary>
public sealed record DrillSnapshot(ClusterSnapshot Cluster)
{
    public static async Task<DrillSnapshot> TakeAsync(LabFixture lab) => new(await ClusterSnapshot.TakeAsync(lab));

    public void AssertUnchangedSince(DrillSnapshot before, string what) => Cluster.AssertUnchangedSince(before.Cluster, what);
}
