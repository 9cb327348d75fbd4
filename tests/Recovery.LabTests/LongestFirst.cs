using Xunit.Abstractions;

namespace Recovery.LabTests;

/// <summary>
/// Starts the collections with the longest chains of tests first (each collection runs its tests one after the
/// other on its own lab), so two lab slots finish close together instead of one long chain starting last. The order
/// is from the TRX durations of a CI run (kill-drills about 19 min, release 14, recover-systemd 15, drills 12); the
/// rest keep xunit's order.
/// </summary>
public sealed class LongestFirst : ITestCollectionOrderer
{
    private static readonly string[] Longest = ["kill-drills", "release", "recover-systemd", "drills"];

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections
            .Select((c, i) => (Collection: c, Rank: Array.IndexOf(Longest, c.DisplayName) is var r and >= 0 ? r : Longest.Length + i))
            .OrderBy(x => x.Rank)
            .Select(x => x.Collection);
}
