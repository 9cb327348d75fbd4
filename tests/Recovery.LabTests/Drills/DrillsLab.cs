namespace Recovery.LabTests.Drills;

/// <summary>
/// The seed's cluster (3 nodes, kube-proxy v1.20 under systemd), shared by every lab drill: each drill breaks it
/// (`lab.sh break`), injects its fault, and leaves it healthy for the next one.
/// </summary>
public sealed class DrillsLab : LabFixture
{
    protected override string Name => "drills";
}

[CollectionDefinition(Name)]
public sealed class DrillsLabCollection : ICollectionFixture<DrillsLab>
{
    public const string Name = "drills";
}
