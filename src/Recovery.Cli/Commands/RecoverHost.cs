using System.CommandLine;
using Recovery.Access;
using Recovery.Cli.Logging;
using Recovery.Execution;
using Recovery.Facts;
using Recovery.Inventory;
using Recovery.Kubernetes;
using Recovery.Planning;
using Recovery.Planning.Summary;
using Recovery.State;
using Serilog;

namespace Recovery.Cli.Commands;

/// <summary>The CLI's side of a recovery <see cref="Session"/>: options, stderr logging, the prompt, stdout rendering.</summary>
internal sealed class RecoverHost(ParseResult parse, GlobalOptions global, PlanOptions options, TextWriter output) : ISessionHost
{
    private ClusterInventory? inventory;
    private NodeConnector? connector;
    private string? localNode;

    /// <summary>The surveyed inventory once there is a survey; before that (--resume) the one the options name.</summary>
    public ClusterInventory Inventory => inventory ??= InventoryResolver.Resolve(parse, global);

    public ILogger Log => Serilog.Log.Logger;

    public int Parallel => parse.GetValue(global.Parallel);

    public bool Verbose => parse.GetValue(global.Verbose);

    public async Task<Survey> SurveyAsync(CancellationToken cancellationToken)
    {
        var survey = await ClusterSession.SurveyAsync(parse, global, cancellationToken, reachAcross: false).ConfigureAwait(false);
        inventory = survey.Inventory;
        return survey;
    }

    public Task<Survey> RetakeAsync(Survey before, IReadOnlySet<string> changed, CancellationToken cancellationToken) =>
        ClusterSession.RetakeAsync(parse, global, before, changed, cancellationToken, reachAcross: false);

    public Task<INodeShell> ConnectAsync(Node node, CancellationToken cancellationToken)
    {
        if (connector is null)
        {
            connector = new NodeConnector(Inventory, Inventory.Ssh, LocalNode, new ConsoleSecretSource());
            connector.KeyAccepted += line => Serilog.Log.Warning("{Line}", line);
        }
        return connector.ConnectAsync(node, cancellationToken);
    }

    public StateDirectory CreateState()
    {
        var state = parse.GetValue(global.StateDir) is { } dir
            ? StateDirectory.Open(dir.FullName)
            : StateDirectory.CreateNew(StateDirectory.DefaultRoot, DateTimeOffset.UtcNow);
        LogSetup.StartAudit(state.Path, parse.GetValue(global.Verbose));
        Serilog.Log.Information("state directory {Dir}", state.Path);
        return state;
    }

    public IEtcdServiceFixer? EtcdFixer(Func<Node, CancellationToken, Task<INodeShell>> connect) =>
        EtcdAccess.Fixer(parse, global, Inventory, LocalNode, connect, parse.GetValue(options.Snapshot)?.FullName);

    public void Show(Plan plan) => output.Write(PlanText.Of(plan, parse.GetValue(options.Detail)));

    public int? Confirm()
    {
        var interactive = !Console.IsInputRedirected && !Console.IsErrorRedirected;
        switch (Confirmation.Ask(parse.GetValue(global.Yes), Console.In, Console.Error, interactive))
        {
            case Confirmation.Answer.NoTerminal:
                Serilog.Log.Error("refusing to act without a terminal to confirm on: pass --yes to execute the plan above");
                return ExitCodes.BadInput;
            case Confirmation.Answer.No:
                Serilog.Log.Information("not confirmed: nothing was changed");
                return ExitCodes.Done;
            default:
                return null;
        }
    }

    public void Report(RunResult result, Plan plan, string stateDir) => output.Write(RunReport.Render(result, plan, stateDir, parse.GetValue(options.Detail)));

    private string? LocalNode => localNode ??= LocalNodeFinder.Find(Inventory, parse.GetValue(global.Local)).Node?.Name;
}
