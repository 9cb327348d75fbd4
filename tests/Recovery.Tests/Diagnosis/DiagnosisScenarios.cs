using System.Net;
using System.Net.Sockets;
using Recovery.Diagnosis;
using Recovery.Facts;
using Recovery.Inventory;
using Recovery.Tests.Facts;
using Recovery.Tests.Fixtures;

namespace Recovery.Tests.Diagnosis;

/// <summary>Builds a diagnosis from a captured scenario: facts probed through fixture shells, claims from kubectl's output.</summary>
internal static class DiagnosisScenarios
{
    public static async Task<DiagnosisReport> RunAsync(
        string scenario, string[] claimedServices, Func<string, Scenario.ModeAnswer>? mode = null, string? unreachableNode = null, string? unreachableReason = null,
        string[]? unreachableNodes = null, string? console = null)
    {
        var inventory = Scenario.Inventory();
        var facts = await Scenario.ProbeAllAsync(inventory, scenario, mode);
        var claims = KubectlServiceClaims.Parse(Fixture.Read("kubectl/services-list.json"), "kubectl on node2")
            .Where(c => claimedServices.Contains(c.Service.ToString())).ToList();
        var unreachable = new List<UnreachableNode>();
        foreach (var name in unreachableNodes ?? (unreachableNode is null ? [] : [unreachableNode]))
        {
            var node = inventory.FindByName(name)!;
            facts = [.. facts.Where(f => f.NodeName != name)];
            unreachable.Add(new UnreachableNode(node.Name, node.Address, unreachableReason ?? "unreachable"));
        }
        return new DiagnosisReport(inventory, facts, Diagnoser.Diagnose(inventory, facts, unreachable, claims, console));
    }

    /// <summary>The message .NET gives for a refused TCP connection, produced for real on loopback.</summary>
    public static async Task<string> RefusedConnectionMessageAsync()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var client = new TcpClient();
        var e = await Assert.ThrowsAsync<SocketException>(() => client.ConnectAsync(IPAddress.Loopback, port));
        return e.Message;
    }
}
