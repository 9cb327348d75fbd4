namespace Recovery.LabTests.Drills;

/// <summary>
/// The seed's cluster (3 nodes, kube-proxy v1.20 under systemd), shared by the drills of one collection: each drill
/// breaks it (`lab.sh break`), injects its fault, and leaves it healthy for the next one. Two collections, each with
/// its own lab, so the two run side by side (AssemblyInfo.cs): the kill and etcd drills in one, the rest in the other.
/// </summary>
public class DrillsLab : LabFixture
{
    protected override string Name => "drills";

    /// <summary>Broken by `lab.sh break` and, since then, only read: drills that show they change nothing reuse it.</summary>
    internal bool UntouchedSinceBreak { get; set; }
}

[CollectionDefinition(Name)]
public sealed class DrillsLabCollection : ICollectionFixture<DrillsLab>
{
    public const string Name = "drills";
}

/// <summary>The lab of the kill -9 and etcd drills: the same cluster as <see cref="DrillsLab"/>, a second copy.</summary>
public sealed class KillDrillsLab : DrillsLab
{
    protected override string Name => "kill-drills";
}

[CollectionDefinition(Name)]
public sealed class KillDrillsLabCollection : ICollectionFixture<KillDrillsLab>
{
    public const string Name = "kill-drills";
}
