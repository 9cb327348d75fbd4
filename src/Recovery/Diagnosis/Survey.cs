using Recovery.Access;
using Recovery.Facts;
using Recovery.Inventory;

namespace Recovery.Diagnosis;

/// <summary>
/// One look at the whole cluster, read-only: which node this is, a shell on every node that answers, every
/// node's facts, and the Service claims when some API answers. diagnose reports it; plan and recover plan from it.
/// </summary>
public sealed class Survey : IAsyncDisposable
{
    private Survey(ClusterInventory inventory, LocalNode local, IReadOnlyList<NodeResult<INodeShell>> shells, IReadOnlyList<NodeResult<NodeFacts>> facts, ServiceClaimsReader.Result claims)
    {
        Inventory = inventory;
        Local = local;
        Shells = shells;
        Facts = facts;
        Claims = claims;
    }

    public ClusterInventory Inventory { get; }
    public LocalNode Local { get; }
    public IReadOnlyList<NodeResult<INodeShell>> Shells { get; }

    /// <summary>Per node: its facts, or why they could not be read (connection refused, host key rejected...).</summary>
    public IReadOnlyList<NodeResult<NodeFacts>> Facts { get; }

    public ServiceClaimsReader.Result Claims { get; }

    public IReadOnlyList<NodeFacts> Answered => Facts.Where(f => f.Succeeded).Select(f => f.Value!).ToList();

    public Findings Diagnose() => Diagnoser.Diagnose(Inventory, Facts, Claims.Claims ?? []);

    public DiagnosisReport Report() => new(Inventory, Answered, Diagnose());

    /// <summary>The open shell of a node, when it answered.</summary>
    public INodeShell? ShellOf(string node) => Shells.FirstOrDefault(s => s.Node.Name == node && s.Succeeded)?.Value;

    public static async Task<Survey> TakeAsync(ClusterInventory inventory, LocalNode local, NodeConnector connector, int parallel, CancellationToken cancellationToken)
    {
        var shells = await connector.ConnectAllAsync(parallel, cancellationToken).ConfigureAwait(false);
        var probe = new NodeProbe(inventory);
        var facts = await Fanout.RunAsync(
            inventory.Nodes,
            (node, ct) => shells.First(s => s.Node.Name == node.Name) is { Succeeded: true } s
                ? probe.ProbeAsync(s.Value!, ct)
                : throw shells.First(x => x.Node.Name == node.Name).Error!,
            parallel,
            cancellationToken).ConfigureAwait(false);

        // Local node first, then control-plane nodes: the API the operator's own kubectl would use.
        var candidates = facts.Where(f => f.Succeeded)
            .OrderBy(f => f.Node.Name == local.Node?.Name ? 0 : f.Node.IsControlPlane ? 1 : 2)
            .Where(f => f.Node.Name == local.Node?.Name || f.Node.IsControlPlane)
            .Select(f => (shells.First(s => s.Node.Name == f.Node.Name).Value!, f.Value!))
            .ToList();
        var claims = await ServiceClaimsReader.ReadAsync(candidates, cancellationToken).ConfigureAwait(false);
        return new Survey(inventory, local, shells, facts, claims);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var shell in Shells.Where(s => s.Succeeded)) await shell.Value!.DisposeAsync().ConfigureAwait(false);
    }
}
