using Recovery.Access;
using Recovery.Diagnosis;
using Recovery.Facts;
using Recovery.Tests.Facts;

namespace Recovery.Tests.Diagnosis;

/// <summary>diagnose on a node whose kube-proxy reads did not answer (issue 16): "unknown", never "not found".</summary>
public sealed class UnknownKubeProxyReportTests
{
    [Fact]
    public async Task A_busy_nodes_kube_proxy_is_reported_unknown_with_the_reads_that_did_not_answer()
    {
        var inventory = Scenario.Inventory();
        var docker = ProbeCommands.DockerKubeProxy.Render();
        var probe = new NodeProbe(inventory);
        var facts = new List<NodeFacts>();
        foreach (var node in inventory.Nodes)
        {
            INodeShell shell = node.Name == "node3"
                ? new BusyShell(Scenario.Shell(inventory, "seed", "node3"), (text, _) => text == docker ? BusyShell.TimedOut() : null)
                : Scenario.Shell(inventory, "seed", node.Name);
            facts.Add(await probe.ProbeAsync(shell));
        }

        var report = new DiagnosisReport(inventory, facts, Diagnoser.Diagnose(inventory, facts, [], []));
        var text = DiagnosisText.Render(report);

        Assert.Contains(report.Findings.Notices, n => n.Node == "node3" && n.Message.StartsWith("how kube-proxy runs on node3 is unknown, not absent (docker ps: no answer", StringComparison.Ordinal));
        Assert.DoesNotContain(report.Findings.Notices, n => n.Node != "node3" && n.Message.Contains("is unknown, not absent", StringComparison.Ordinal));
        Assert.Contains("manager unknown: its reads did not answer", text, StringComparison.Ordinal);
        Assert.True(report.Findings.LockoutFound);
        // The JSON says what the text says: unknown, not "not found"; and a saved diagnosis reads back as unknown.
        var json = DiagnosisJson.Render(report);
        var node3 = System.Text.Json.Nodes.JsonNode.Parse(json)!["nodes"]!.AsArray().Single(n => (string?)n!["name"] == "node3")!;
        Assert.Equal("unknown", (string?)node3["kubeProxy"]!["manager"]);
        Assert.Equal(KubeProxyDetectionState.Unknown, SavedFacts.Read(json, inventory).Nodes.Single(f => f.NodeName == "node3").KubeProxy.Detection);
    }
}
