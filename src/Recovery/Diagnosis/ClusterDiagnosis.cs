using Recovery.Access;
using Recovery.Facts;
using Recovery.Inventory;

namespace Recovery.Diagnosis;

/// <summary>
/// The whole read-only diagnose: probe every connected node in parallel, ask kubectl for the Services' claims where it
/// answers, and find what is hijacked. Nodes that could not be connected, or whose probe failed, are unreachable
/// findings with their error. The caller owns (and disposes) the shells, so plan and recover can reuse them.
/// </summary>
public sealed class ClusterDiagnosis(ClusterInventory inventory, int parallel = Fanout.DefaultParallel)
{
    /// <param name="shells">one entry per inventory node: its shell, or the error that prevented connecting.</param>
    public async Task<DiagnosisReport> RunAsync(IReadOnlyList<NodeResult<INodeShell>> shells, CancellationToken cancellationToken = default)
    {
        var probe = new NodeProbe(inventory);
        var byNode = shells.ToDictionary(s => s.Node.Name);
        var results = await Fanout.RunAsync(inventory.Nodes, (node, ct) =>
        {
            if (!byNode.TryGetValue(node.Name, out var connection)) throw new InvalidOperationException($"no connection was attempted to {node.Name}");
            if (!connection.Succeeded || connection.Value is null) throw connection.Error ?? new InvalidOperationException($"could not connect to {node.Name}");
            return probe.ProbeAsync(connection.Value, ct);
        }, parallel, cancellationToken).ConfigureAwait(false);

        var probed = results.Where(r => r.Succeeded && r.Value is not null)
            .Select(r => (Shell: byNode[r.Node.Name].Value!, Facts: r.Value!))
            .ToList();
        var claims = await ServiceClaimsLookup.ReadAsync(probed, cancellationToken).ConfigureAwait(false);

        var findings = Diagnoser.Diagnose(inventory, results, claims.Claims);
        if (!claims.Answered)
        {
            findings = findings with
            {
                Notices = [.. findings.Notices, new Notice(NoticeKind.ClaimsUnknown, null,
                    $"no API server answered, so the Services claiming these addresses are unknown ({string.Join("; ", claims.Failures)})")],
            };
        }
        return new DiagnosisReport(inventory, [.. probed.Select(p => p.Facts)], findings);
    }
}
