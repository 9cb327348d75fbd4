using System.Diagnostics;
using System.Net;
using Recovery.Access;
using Recovery.Diagnosis;
using Recovery.Facts;
using Xunit.Abstractions;

namespace Recovery.Tests.Facts;

/// <summary>
/// NodeProbe and Diagnoser on real nodes made of network namespaces: real iproute2, ps, curl, bash /dev/tcp,
/// sh (dash) running the rendered commands. kube-proxy, systemd and docker's daemon are absent here: their
/// absence is part of what is checked (notes, not errors).
/// </summary>
public sealed class NodeProbeNetnsTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task Seed_hijack_on_three_real_namespaces_is_diagnosed()
    {
        Skip.IfNot(NetnsCluster.CanRun(), "needs root, iproute2 and python3");
        await using var cluster = new NetnsCluster(3);
        var node1 = cluster.Inventory.Nodes[0].Address;

        var (findings, facts, elapsed) = await DiagnoseAsync(cluster);

        Assert.True(findings.LockoutFound);
        var h = Assert.Single(findings.Hijacked);
        Assert.Equal(node1, h.Address);
        Assert.Equal(["node2", "node3"], h.HijackedOn);
        Assert.True(h.OwnerBound);
        var node2 = facts.Single(f => f.NodeName == "node2");
        Assert.True(node2.Routes.Single(r => r.Destination.Equals(node1)).IsLocal);
        Assert.Equal("lo", node2.Routes.Single(r => r.Destination.Equals(node1)).Device);
        Assert.Contains(node2.Reach, r => r.TargetAddress.Equals(node1) && r.Port == 6443 && r.Reachable); // answered by node2 itself
        Assert.Contains(h.BrokenReach, b => b.FromNode == "node2" && b.ToItself);
        var node1Facts = facts.Single(f => f.NodeName == "node1");
        Assert.True(h.BrokenReach.Any(b => b.FromNode == "node1" && !b.ToItself), string.Join("; ", node1Facts.Reach)); // the owner is cut off from the others
        Assert.Null(node2.KubeProxy.Manager);
        Assert.Contains(node2.Notes, n => n.StartsWith("systemctl show:", StringComparison.Ordinal));
        output.WriteLine($"3 nodes probed and diagnosed in {elapsed.TotalSeconds:F1}s");
    }

    [SkippableFact]
    public async Task Thirty_nodes_are_diagnosed_in_one_pass()
    {
        Skip.IfNot(NetnsCluster.CanRun(), "needs root, iproute2 and python3");
        await using var cluster = new NetnsCluster(30);

        var (findings, facts, elapsed) = await DiagnoseAsync(cluster);

        Assert.Equal(30, facts.Count);
        var h = Assert.Single(findings.Hijacked);
        Assert.Equal(29, h.HijackedOn.Count);
        Assert.All(facts, f => Assert.Equal(30, f.Routes.Count));
        output.WriteLine($"30 nodes probed and diagnosed in {elapsed.TotalSeconds:F1}s ({facts.Sum(f => f.Reach.Count)} TCP checks)");
    }

    private static async Task<(Findings, IReadOnlyList<NodeFacts>, TimeSpan)> DiagnoseAsync(NetnsCluster cluster)
    {
        var probe = new NodeProbe(cluster.Inventory);
        var watch = Stopwatch.StartNew();
        var results = await Fanout.RunAsync(cluster.Inventory.Nodes,
            (node, ct) => probe.ProbeAsync(new NetnsShell(node, cluster.NamespaceOf(node)), ct));
        var findings = Diagnoser.Diagnose(cluster.Inventory, results, []);
        watch.Stop();
        Assert.All(results, r => Assert.True(r.Succeeded, r.Error?.ToString()));
        return (findings, [.. results.Select(r => r.Value!)], watch.Elapsed);
    }
}
