using Recovery.Diagnosis;
using Recovery.Facts;
using Recovery.Planning;
using static Recovery.Tests.Planning.Cluster;

namespace Recovery.Tests.Facts;

/// <summary>Two inventory nodes answering as one machine (one machine-id) are refused by name before anything acts.</summary>
public sealed class NodeIdentityTests
{
    /// <summary>node1's address reaches node2 (hijacked from here, or a wrong inventory address): same hostname and machine-id.</summary>
    private static List<NodeFacts> Node1AnsweredByNode2() =>
        SeedFacts().Select(f => f.NodeName == "node1" ? f with { Hostname = "node2", MachineId = "node2-machine-id" } : f).ToList();

    [Fact]
    public void Planning_on_facts_where_two_nodes_are_one_machine_is_refused_naming_both_and_the_machine_id()
    {
        var e = Assert.Throws<NodeIdentityException>(() => Planner.Create(Seed(), Node1AnsweredByNode2(), Intent(), "node2", Created));
        Assert.Contains("node1 and node2 answered as the same machine (machine-id node2-machine-id", e.Message);
    }

    [Fact]
    public void Diagnose_reports_the_same_machine_and_distinct_or_unread_ids_pass()
    {
        var findings = Diagnoser.Diagnose(Seed(), Node1AnsweredByNode2(), [], []);
        Assert.Contains("node1 and node2 answered as the same machine", Assert.Single(findings.Notices, n => n.Kind == NoticeKind.SameMachine).Message);

        Assert.Empty(NodeIdentity.Conflicts(SeedFacts()));
        Assert.Empty(NodeIdentity.Conflicts(SeedFacts().Select(f => f with { MachineId = "" })));
    }
}
