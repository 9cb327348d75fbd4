using Recovery.Diagnosis;
using Recovery.Kubernetes;
using Recovery.Planning;
using Recovery.Tests.Facts;

namespace Recovery.Tests.Diagnosis;

/// <summary>`plan --facts FILE`: a `diagnose --json` document read back plans exactly like the live facts it came from.</summary>
public sealed class SavedFactsTests
{
    [Fact]
    public async Task A_saved_diagnosis_plans_the_same_as_the_live_facts()
    {
        var report = await DiagnosisScenarios.RunAsync("seed", ["default/nginx-service"]);
        var saved = SavedFacts.Read(DiagnosisJson.Render(report), report.Inventory);

        Assert.Equal(FactsFingerprint.Of(report.Nodes), FactsFingerprint.Of(saved.Nodes));
        Assert.Equal(report.Nodes.Select(n => n.KubeProxy.SyncPeriod), saved.Nodes.Select(n => n.KubeProxy.SyncPeriod));
        Assert.Equal(report.Nodes.Select(n => n.LocalRoutes.Count), saved.Nodes.Select(n => n.LocalRoutes.Count));
        Assert.Equal("default/nginx-service", Assert.Single(saved.Claims).Service.ToString());

        var intent = new RecoveryIntent([report.Findings.Hijacked[0].Address], null, FixAction.Delete, FixPath.Auto, TimeSpan.FromSeconds(30));
        var live = Planner.Create(report.Inventory, report.Nodes, intent, "node2", DateTimeOffset.UnixEpoch);
        var offline = Planner.Create(report.Inventory, saved.Nodes, intent, "node2", DateTimeOffset.UnixEpoch);
        Assert.Equal(PlanJson.Write(live), PlanJson.Write(offline));
    }

    [Fact]
    public async Task Addresses_that_could_not_be_read_stay_unread_in_the_json_and_the_saved_facts()
    {
        var report = await DiagnosisScenarios.RunAsync("seed", ["default/nginx-service"]);
        var nodes = report.Nodes.Select(n => n.NodeName == "node3" ? n with { Addresses = [], AddressesUnread = true } : n).ToList();
        var json = DiagnosisJson.Render(report with { Nodes = nodes });

        var node3 = System.Text.Json.Nodes.JsonNode.Parse(json)!["nodes"]!.AsArray().Single(n => (string?)n!["name"] == "node3")!;
        Assert.True((bool)node3["addressesUnread"]!);
        // Read back, an empty address list would say "nothing on kube-ipvs0" and the plan would skip the unbind there.
        Assert.True(SavedFacts.Read(json, report.Inventory).Nodes.Single(n => n.NodeName == "node3").AddressesUnread);
    }

    [Theory]
    [InlineData("\"name\": \"node1\"", "\"name\": \"node9\"", "not in the inventory")]
    [InlineData("\"address\": \"10.77.0.11\"", "\"address\": \"10.77.0.11; reboot\"", "is not an IP address")]
    [InlineData("\"interface\": \"eth0\"", "\"interface\": \"eth0/../../x\"", "not a network interface name")]
    [InlineData("\"kind\": \"Diagnosis\"", "\"kind\": \"Plan\"", "expected apiVersion kube-recover/v1 and kind Diagnosis")]
    [InlineData("\"manager\": \"docker\"", "\"manager\": \"supervisord\"", "not a kube-proxy manager")]
    // A kubectl path is taken only when it is one the probe knows (RKE2's).
    [InlineData("\"kubeconfig\": \"/etc/kubernetes/admin.conf\"", "\"kubeconfig\": \"/etc/kubernetes/admin.conf\", \"program\": \"/tmp/x\"", "kubectl program '/tmp/x'")]
    public async Task Hostile_or_foreign_documents_are_refused(string from, string to, string message)
    {
        var report = await DiagnosisScenarios.RunAsync("seed", ["default/nginx-service"]);
        var json = DiagnosisJson.Render(report);
        Assert.Contains(from, json);
        var e = Assert.Throws<FormatException>(() => SavedFacts.Read(json.Replace(from, to), report.Inventory));
        Assert.Contains(message, e.Message);
    }
}
