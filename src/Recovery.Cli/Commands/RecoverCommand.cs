using System.CommandLine;
using Recovery.Access;
using Recovery.Cli.Logging;
using Recovery.Diagnosis;
using Recovery.Execution;
using Recovery.Inventory;
using Recovery.Planning;
using Recovery.State;
using Serilog;
using Recovery.Facts;

namespace Recovery.Cli.Commands;

/// <summary>
/// `kube-recover recover`: shows the plan, asks, then executes it phase by phase with verification, journaling
/// every step in the state directory. `--plan FILE` executes a saved plan once the facts are checked unchanged;
/// `--resume DIR` continues a run that stopped (crash, unreachable node, Ctrl-C).
/// </summary>
public static class RecoverCommand
{

    public static Command Create(GlobalOptions global)
    {
        var options = new PlanOptions();
        var planFile = new Option<FileInfo?>("--plan") { Description = "Execute exactly this plan (from plan --format json) after checking the facts have not drifted", HelpName = "FILE" };
        var resume = new Option<DirectoryInfo?>("--resume") { Description = "Continue the recovery whose state directory this is", HelpName = "DIR" };
        planFile.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<FileInfo?>() is { } f && (!f.Exists || f.Length > 4 * 1024 * 1024))
                r.AddError($"--plan: '{f.FullName}' does not exist or is over 4 MiB; expected a plan file written by plan --format json");
        });
        resume.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<DirectoryInfo?>() is { } d && !File.Exists(Path.Combine(d.FullName, Journal.PlanFileName))
                && !File.Exists(Path.Combine(d.FullName, LocalFirst.StateSubdirectory, Journal.PlanFileName)))
                r.AddError($"--resume: '{d.FullName}' holds no {Journal.PlanFileName}; expected the state directory of an earlier recover");
        });
        var command = new Command("recover", "Show the plan, ask, then execute it phase by phase with verification (journal, backups, resumable)") { options.SyncPeriod, options.Snapshot, planFile, resume };
        command.Validators.Add(r =>
        {
            if (r.GetResult(planFile) is not null && r.GetResult(resume) is not null) r.AddError("--plan and --resume cannot be combined; expected one of them");
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(resume) is { } resumeDir) return await ResumeAsync(parse, global, options, resumeDir.FullName, output, cancellationToken).ConfigureAwait(false);

            // A plan file is read and validated before any node is reached: a damaged or hostile plan stops here (exit 2).
            var saved = parse.GetValue(planFile) is { } planPath
                ? PlanJson.Read(await File.ReadAllTextAsync(planPath.FullName, cancellationToken).ConfigureAwait(false), InventoryResolver.Resolve(parse, global))
                : null;
            var survey = await ClusterSession.SurveyAsync(parse, global, cancellationToken).ConfigureAwait(false);
            try
            {
                Plan plan;
                if (saved is not null && parse.GetValue(planFile) is { } file)
                {
                    plan = saved;
                    var now = FactsFingerprint.Of(survey.Answered);
                    if (now != plan.FactsFingerprint)
                    {
                        Log.Error("the cluster changed since {File} was planned (facts {Then} now {Now}): plan again", file.FullName, plan.FactsFingerprint[..12], now[..12]);
                        return ExitCodes.BadInput;
                    }
                }
                else
                {
                    plan = PlanOptions.Create(parse, global, options, survey);
                }
                output.Write(TextPlanRenderer.Render(plan));
                if (plan.IsEmpty)
                {
                    Log.Information("nothing to do");
                    return ExitCodes.Done;
                }
                if (Confirm(parse, global) is { } refused) return refused;

                var state = parse.GetValue(global.StateDir) is { } dir
                    ? StateDirectory.Open(dir.FullName)
                    : StateDirectory.CreateNew(StateDirectory.DefaultRoot, DateTimeOffset.UtcNow);
                LogSetup.StartAudit(state.Path, parse.GetValue(global.Verbose));
                Log.Information("state directory {Dir}", state.Path);

                if (parse.GetValue(planFile) is null && LocalFirst.Needed(survey, plan))
                {
                    var stage = LocalFirst.Restrict(plan, survey.Local.Node!.Name);
                    Log.Information("stage 1: fixing {Node} first ({Steps} steps), so the nodes it cannot reach answer", survey.Local.Node!.Name, stage.Steps.Count());
                    var stageDir = Path.Combine(state.Path, LocalFirst.StateSubdirectory);
                    int first;
                    using (var stageJournal = Journal.Start(stageDir, stage))
                    {
                        first = await ExecuteAsync(parse, global, options, survey.Inventory, stage, stageJournal, ShellsOf(survey), stageDir, output, cancellationToken).ConfigureAwait(false);
                    }
                    if (first != ExitCodes.Done) return first;
                    var changed = stage.Steps.Select(s => s.Node).ToHashSet(StringComparer.Ordinal);
                    (survey, plan) = await ReplanAsync(parse, global, options, survey, changed, Journal.ActedSteps(stageDir), output, cancellationToken).ConfigureAwait(false);
                    if (plan.IsEmpty) return ExitCodes.Done;
                    if (Confirm(parse, global) is { } refusedAgain) return refusedAgain;
                }
                using var journal = Journal.Start(state.Path, plan);
                return await ExecuteAsync(parse, global, options, survey.Inventory, plan, journal, ShellsOf(survey), state.Path, output, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await survey.DisposeAsync().ConfigureAwait(false);
            }
        });
        return command;
    }

    /// <summary>Stage 2 of a local-first recovery: every node is surveyed again and the whole recovery planned from its facts.</summary>
    private static async Task<(Survey, Plan)> ReplanAsync(ParseResult parse, GlobalOptions global, PlanOptions options, Survey before,
        IReadOnlySet<string> changed, IReadOnlyCollection<string> stoppedEarlier, TextWriter output, CancellationToken cancellationToken)
    {
        Log.Information("stage 2: surveying again ({Changed} and the nodes that did not answer) and planning the whole recovery", string.Join(", ", changed));
        // The shells that answered in stage 1 carry over (no second handshake); the new survey owns them.
        var survey = await ClusterSession.RetakeAsync(parse, global, before, changed, cancellationToken).ConfigureAwait(false);
        var plan = PlanOptions.Create(parse, global, options, survey, stoppedEarlier);
        output.Write(TextPlanRenderer.Render(plan));
        if (plan.IsEmpty) Log.Information("nothing left to do");
        return (survey, plan);
    }

    /// <returns>null to go on; otherwise the exit code to stop with.</returns>
    private static int? Confirm(ParseResult parse, GlobalOptions global)
    {
        var interactive = !Console.IsInputRedirected && !Console.IsErrorRedirected;
        switch (Confirmation.Ask(parse.GetValue(global.Yes), Console.In, Console.Error, interactive))
        {
            case Confirmation.Answer.NoTerminal:
                Log.Error("refusing to act without a terminal to confirm on: pass --yes to execute the plan above");
                return ExitCodes.BadInput;
            case Confirmation.Answer.No:
                Log.Information("not confirmed: nothing was changed");
                return ExitCodes.Done;
            default:
                return null;
        }
    }

    /// <summary>The survey's open shells first (no second handshake), a new connection for the others.</summary>
    private static Func<Node, CancellationToken, Task<INodeShell>> ShellsOf(Survey survey)
    {
        var connector = Connector(survey.Inventory, survey.Local.Node?.Name);
        return (node, ct) => survey.ShellOf(node.Name) is { } open ? Task.FromResult(open) : connector.ConnectAsync(node, ct);
    }

    private static async Task<int> ResumeAsync(ParseResult parse, GlobalOptions global, PlanOptions options, string dir, TextWriter output, CancellationToken cancellationToken)
    {
        var inventory = InventoryResolver.Resolve(parse, global);
        var state = StateDirectory.Open(dir);
        LogSetup.StartAudit(state.Path, parse.GetValue(global.Verbose));
        var local = LocalNodeFinder.Find(inventory, parse.GetValue(global.Local));
        var connector = Connector(inventory, local.Node?.Name);
        if (!File.Exists(state.File(Journal.PlanFileName)))
        {
            // Stopped during stage 1 of a local-first recovery: finish it, then plan and run stage 2.
            var stageDir = Path.Combine(state.Path, LocalFirst.StateSubdirectory);
            int first;
            using (var stageJournal = Journal.Resume(stageDir, inventory, out var stage))
            {
                Log.Information("resuming stage 1 in {Dir}", stageDir);
                first = await ExecuteAsync(parse, global, options, inventory, stage, stageJournal, connector.ConnectAsync, stageDir, output, cancellationToken).ConfigureAwait(false);
            }
            if (first != ExitCodes.Done) return first;
            var survey = await ClusterSession.SurveyAsync(parse, global, cancellationToken).ConfigureAwait(false);
            try
            {
                var plan = PlanOptions.Create(parse, global, options, survey, Journal.ActedSteps(stageDir));
                output.Write(TextPlanRenderer.Render(plan));
                if (plan.IsEmpty) return ExitCodes.Done;
                if (Confirm(parse, global) is { } refused) return refused;
                using var fresh = Journal.Start(state.Path, plan);
                return await ExecuteAsync(parse, global, options, inventory, plan, fresh, ShellsOf(survey), state.Path, output, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await survey.DisposeAsync().ConfigureAwait(false);
            }
        }
        using var journal = Journal.Resume(state.Path, inventory, out var resumed);
        Log.Information("resuming {Dir}: {Done} steps done before, {Unfinished} started and not finished (re-checked first)",
            state.Path, journal.DoneBefore.Count, journal.UnfinishedBefore.Count);
        return await ExecuteAsync(parse, global, options, inventory, resumed, journal, connector.ConnectAsync, state.Path, output, cancellationToken).ConfigureAwait(false);
    }

    private static NodeConnector Connector(ClusterInventory inventory, string? local)
    {
        var connector = new NodeConnector(inventory, inventory.Ssh, local, new ConsoleSecretSource());
        connector.KeyAccepted += line => Log.Warning("{Line}", line);
        return connector;
    }

    private static async Task<int> ExecuteAsync(
        ParseResult parse, GlobalOptions global, PlanOptions options, ClusterInventory inventory, Plan plan, Journal journal,
        Func<Node, CancellationToken, Task<INodeShell>> connect, string stateDir, TextWriter output, CancellationToken cancellationToken)
    {
        var local = LocalNodeFinder.Find(inventory, parse.GetValue(global.Local)).Node?.Name;
        var etcd = EtcdAccess.Fixer(parse, global, inventory, local, connect, parse.GetValue(options.Snapshot)?.FullName);
        var runner = new Runner(new RunnerOptions(stateDir, parse.GetValue(global.Parallel)), inventory, connect, etcd);
        var progress = new SynchronousProgress<StepEvent>(e =>
        {
            if (e.Status is null) Log.Information("{Phase} {Node}: {What}", e.Phase, e.Node, e.What);
            else if (e.Status is StepStatus.Failed) Log.Error("{Phase} {Node}: {Step} failed after {Seconds:0.0} s: {Detail}", e.Phase, e.Node, e.StepId, e.Elapsed.TotalSeconds, e.Detail);
            else Log.Information("{Phase} {Node}: {Step} {Status} ({Seconds:0.0} s)", e.Phase, e.Node, e.StepId, e.Status.Value.ToString().ToLowerInvariant(), e.Elapsed.TotalSeconds);
        });
        var result = await runner.RunAsync(plan, journal, progress, cancellationToken).ConfigureAwait(false);
        output.Write(RunReport.Render(result, stateDir));
        return result.ExitCode;
    }

    /// <summary>Reports on the caller's thread, in order (Progress&lt;T&gt; would post to the thread pool and reorder lines).</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
