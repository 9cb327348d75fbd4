using Recovery.Execution;
using Recovery.Kubernetes;
using Recovery.Planning;
using Recovery.Tests.Diagnosis;

namespace Recovery.Tests.Execution;

/// <summary>The owner's console with nothing reaching the others: recover changes nothing and names the console that can.</summary>
public sealed class CutOffConsoleTests
{
    private const string Ipv6Off = "no SSH answer from node2 at 10.77.0.12 within 10 s; IPv6 is off on eth0 (no fe80:: address), so nothing reaches around the hijack over link-local";

    [Fact]
    public async Task At_the_owners_console_with_no_way_around_it_hands_off_to_a_console_that_can()
    {
        var report = await DiagnosisScenarios.RunAsync("seed", [], unreachableNodes: ["node2", "node3"], unreachableReason: Ipv6Off, console: "node1");

        var lines = CutOffConsole.HandOff(report.Findings, report.Inventory.FindByName("node1"), ["node1"]);

        Assert.NotNull(lines);
        Assert.StartsWith("node1's own address 10.77.0.11 is presumed hijacked on node2, node3", lines[0], StringComparison.Ordinal);
        Assert.Contains($"  node2: {Ipv6Off}", lines);
        Assert.Contains("Nothing was changed on any node.", lines);
        Assert.Contains(lines, l => l.StartsWith("Run the recovery at node2's console", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_hand_off_spells_out_every_change_on_the_silent_nodes_phase_by_phase()
    {
        var report = await DiagnosisScenarios.RunAsync("seed", [], unreachableNodes: ["node2", "node3"], unreachableReason: Ipv6Off, console: "node1");
        var plan = new PlanRequest([], null, FixAction.Delete, FixPath.Auto, null).For(report.Inventory, report.Findings, [], report.Nodes, "node1");

        var lines = CutOffConsole.HandOff(report.Findings, report.Inventory.FindByName("node1"), ["node1"], () => plan)!;
        var text = string.Join("\n", lines);

        // The scenario's inventory does not say how kube-proxy runs on node2 and node3, and nothing read them: the stop
        // is named, then the unbind, on each; the Service fix by hand; the start nowhere the tool could not stop.
        foreach (var node in new[] { "node2", "node3" })
        {
            var at = lines.ToList().IndexOf($"    at {node}'s console:");
            Assert.True(at > 0, text);
            Assert.StartsWith("      # stop kube-proxy however it runs there", lines[at + 1], StringComparison.Ordinal);
            Assert.StartsWith("      ip addr del 10.77.0.11/32 dev kube-ipvs0", lines[at + 2], StringComparison.Ordinal);
        }
        Assert.DoesNotContain("at node1's console", text, StringComparison.Ordinal);
        Assert.Equal(2, lines.Count(l => l == "      # start kube-proxy again the way it was stopped"));
        var fix = lines.ToList().FindIndex(l => l.Contains("kubectl get services --all-namespaces", StringComparison.Ordinal));
        var del = lines.ToList().FindIndex(l => l.Contains("ip addr del", StringComparison.Ordinal));
        Assert.True(fix > del, text);
        Assert.Contains(lines, l => l.StartsWith("  4. After 70 s (two kube-proxy sync periods and a margin)", StringComparison.Ordinal)
            && l.Contains("ip -o addr show dev kube-ipvs0 to 10.77.0.11/32", StringComparison.Ordinal) && l.EndsWith("prints nothing.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_no_sign_of_the_claim_a_console_no_node_answers_still_never_says_nothing_to_do()
    {
        // The owner's kube-proxy never bound its address and no API or etcd answered: nothing presumed, but nothing seen either.
        var report = await DiagnosisScenarios.RunAsync("newer", [], unreachableNodes: ["node2", "node3"], unreachableReason: Ipv6Off, console: "node1");
        Assert.Empty(report.Findings.Hijacked);

        var lines = CutOffConsole.HandOff(report.Findings, report.Inventory.FindByName("node1"), ["node1"]);

        Assert.NotNull(lines);
        Assert.StartsWith("no other node answers this console", lines[0], StringComparison.Ordinal);
        Assert.Contains("Nothing was changed on any node.", lines);
    }

    [Fact]
    public async Task Where_another_node_answers_or_this_is_not_the_owner_the_run_goes_on()
    {
        var owner = await DiagnosisScenarios.RunAsync("seed", [], unreachableNodes: ["node3"], console: "node1");
        Assert.Null(CutOffConsole.HandOff(owner.Findings, owner.Inventory.FindByName("node1"), ["node1", "node2"]));

        var other = await DiagnosisScenarios.RunAsync("seed", ["default/nginx-service"], unreachableNodes: ["node3"], console: "node2");
        Assert.Null(CutOffConsole.HandOff(other.Findings, other.Inventory.FindByName("node2"), ["node1", "node2"]));
    }
}
