using System.CommandLine;
using Recovery.Access;
using Recovery.Diagnosis;
using Recovery.Facts;
using Recovery.Inventory;
using Serilog;

namespace Recovery.Cli.Commands;

/// <summary>What every cluster verb starts with: the inventory, which node this is, and a survey of all nodes.</summary>
internal static class ClusterSession
{
    /// <param name="reachAcross">false for a recovery: no TCP checks across nodes in the survey (<see cref="NodeProbe"/>).</param>
    public static async Task<Survey> SurveyAsync(ParseResult parse, GlobalOptions global, CancellationToken cancellationToken, bool reachAcross = true)
    {
        var inventory = InventoryResolver.Resolve(parse, global, cancellationToken);
        var local = LocalNodeFinder.Find(inventory, parse.GetValue(global.Local));
        if (local.Node is null)
        {
            Log.Warning("this machine is none of the inventory's nodes ({Reason}): every node is reached over SSH", local.Reason);
        }
        else
        {
            Log.Information("this is {Node} ({Reason})", local.Node.Name, local.Reason);
        }
        foreach (var hijacked in local.HijackedHere)
        {
            Log.Warning("{Address} ({Node}) is on kube-ipvs0 here: this machine cannot reach {Node} until it is unbound", hijacked.Address, hijacked.Name);
        }
        var connector = new NodeConnector(inventory, inventory.Ssh, local.Node?.Name, new ConsoleSecretSource()) 
        {
            CutOffLikely = local.OwnAddressBound,
            CutOff = local.HijackedHere.Select(h => h.Name).ToHashSet(StringComparer.Ordinal),
        };
        connector.KeyAccepted += line => Log.Warning("{Line}", line);
        var survey = await Survey.TakeAsync(inventory, local, connector, parse.GetValue(global.Parallel),
            connect => EtcdAccess.Opener(parse, global, inventory, local.Node?.Name, connect), cancellationToken, reachAcross).ConfigureAwait(false);
        Report(survey);
        return survey;
    }

    /// <summary>Stage 2: the same nodes again, reusing the shells that answered before; only <paramref name="changed"/> and the nodes that did not answer are probed again.</summary>
    public static async Task<Survey> RetakeAsync(ParseResult parse, GlobalOptions global, Survey before, IReadOnlySet<string> changed, CancellationToken cancellationToken, bool reachAcross = true)
    {
        var connector = new NodeConnector(before.Inventory, before.Inventory.Ssh, before.Local.Node?.Name, new ConsoleSecretSource());
        connector.KeyAccepted += line => Log.Warning("{Line}", line);
        var survey = await Survey.RetakeAsync(before, changed, connector, parse.GetValue(global.Parallel),
            connect => EtcdAccess.Opener(parse, global, before.Inventory, before.Local.Node?.Name, connect), cancellationToken, reachAcross).ConfigureAwait(false);
        Report(survey);
        return survey;
    }

    private static void Report(Survey survey)
    {
        var inventory = survey.Inventory;
        foreach (var failed in survey.Facts.Where(f => !f.Succeeded))
        {
            Log.Warning("{Node}: {Error}", failed.Node.Name, failed.Error!.Message);
        }
        foreach (var around in survey.Answered.Where(f => f.Way.Contains(NodeConnector.AroundTheHijack, StringComparison.Ordinal)))
        {
            Log.Information("{Node}: its address does not answer here; reached over {Way}", around.NodeName, around.Way);
        }
        Log.Information("facts from {Answered} of {Total} nodes in {Seconds:0.0} s; Services: {Source}",
            survey.Answered.Count, inventory.Nodes.Count, survey.Facts.Max(f => f.Elapsed).TotalSeconds, survey.Claims.Source ?? "unknown: " + string.Join("; ", survey.Claims.Failures));
        Log.Debug("survey: connecting {Connect:0.00} s, facts {Facts:0.00} s, Services {Services:0.00} s (one after the other)",
            survey.Times.Connect.TotalSeconds, survey.Times.Facts.TotalSeconds, survey.Times.Services.TotalSeconds);
        Log.Debug("slowest facts: {Nodes}", string.Join(", ", survey.Facts.OrderByDescending(f => f.Elapsed).Take(5).Select(f => $"{f.Node.Name} {f.Elapsed.TotalSeconds:0.00} s")));
    }
}
