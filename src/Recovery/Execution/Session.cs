using Recovery.Access;
using Recovery.Diagnosis;
using Recovery.Facts;
using Recovery.Inventory;
using Recovery.Planning;
using Recovery.Planning.Summary;
using Recovery.State;

namespace Recovery.Execution;

/// <summary>
/// One recovery, however it starts (<see cref="SessionStart"/>): finish the stage an earlier run left, survey,
/// plan, confirm, run. Each stage keeps its plan and journal in the state directory: the whole recovery at its
/// root, stage 1 of a local-first one in <see cref="LocalFirst.StateSubdirectory"/>, so a kill -9 at any point
/// is finished by --resume (or by a fresh run, whose checks find what is already done).
/// </summary>
internal sealed class Session(ISessionHost host, PlanRequest request)
{
    public async Task<int> RunAsync(SessionStart start, CancellationToken cancellationToken)
    {
        var state = (start as SessionStart.Resume)?.State;
        IReadOnlyCollection<string>? stoppedEarlier = null;
        if (state is not null)
        {
            var (scope, exit) = await ResumeStageAsync(state, cancellationToken).ConfigureAwait(false);
            if (scope == PlanScope.Full || exit != ExitCodes.Done) return exit;
            stoppedEarlier = Journal.ActedSteps(StageDir(state, PlanScope.LocalFirst));
        }

        var survey = await host.SurveyAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (CutOffConsole.HandOff(survey.Diagnose(), survey.Local.Node, survey.Answered.Select(f => f.NodeName), () => PlanOrNull(survey, stoppedEarlier)) is { } handOff)
            {
                foreach (var line in handOff) host.Log.Error("{Line}", line);
                return ExitCodes.StoppedPartway;
            }
            Plan plan;
            if (start is SessionStart.Saved saved)
            {
                if (Drifted(saved, survey)) return ExitCodes.BadInput;
                plan = saved.Plan;
            }
            else
            {
                plan = request.For(survey, stoppedEarlier);
            }
            if (Approve(plan, "nothing to do") is { } stop)
            {
                // Nothing to do among the nodes that answered is not "done" for the ones that did not (guarantee 8).
                return stop == ExitCodes.Done && plan.IsEmpty && survey.Facts.Any(f => !f.Succeeded) ? ExitCodes.Failed : stop;
            }
            state ??= host.CreateState();

            if (LocalFirst.Needed(survey, plan))
            {
                if (start is SessionStart.Fresh)
                {
                    var shown = plan;
                    (survey, plan, var exit) = await RunLocalFirstAsync(survey, plan, state, cancellationToken).ConfigureAwait(false);
                    if (exit is not null) return exit.Value;
                    if (ApproveRest(shown, plan) is { } stopAgain) return stopAgain;
                }
                else if (start is SessionStart.Saved file)
                {
                    host.Log.Information("{File} runs as saved, in one stage: a saved plan is not split into a local-first stage", file.File);
                }
            }
            return await RunStageAsync(plan, state, survey.Inventory, ShellsOf(survey), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await survey.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Stage 1 fixes this node, then stage 2 surveys again and plans the whole recovery from every node's facts.</summary>
    /// <returns>The new survey and plan, or the exit code to stop with.</returns>
    private async Task<(Survey, Plan, int?)> RunLocalFirstAsync(Survey survey, Plan plan, StateDirectory state, CancellationToken cancellationToken)
    {
        var local = survey.Local.Node!.Name;
        var stage = LocalFirst.Restrict(plan, local);
        host.Log.Information("stage 1: fixing {Node} first ({Steps} steps), so the nodes it cannot reach answer", local, stage.Steps.Count());
        var first = await RunStageAsync(stage, state, survey.Inventory, ShellsOf(survey), cancellationToken).ConfigureAwait(false);
        if (first != ExitCodes.Done) return (survey, plan, first);

        var changed = stage.Steps.Select(s => s.Node).ToHashSet(StringComparer.Ordinal);
        host.Log.Information("stage 2: surveying again ({Changed} and the nodes that did not answer) and planning the whole recovery", string.Join(", ", changed));
        // The shells that answered in stage 1 carry over (no second handshake); the new survey owns them.
        var again = await host.RetakeAsync(survey, changed, cancellationToken).ConfigureAwait(false);
        return (again, request.For(again, Journal.ActedSteps(StageDir(state, PlanScope.LocalFirst))), null);
    }

    /// <summary>Finishes the stage a stopped run left: stage 1 when the whole recovery was not planned yet.</summary>
    private async Task<(PlanScope, int)> ResumeStageAsync(StateDirectory state, CancellationToken cancellationToken)
    {
        var scope = File.Exists(state.File(Journal.PlanFileName)) ? PlanScope.Full : PlanScope.LocalFirst;
        var dir = StageDir(state, scope);
        using var journal = Journal.Resume(dir, host.Inventory, out var plan);
        if (scope == PlanScope.LocalFirst) host.Log.Information("resuming stage 1 in {Dir}", dir);
        else host.Log.Information("resuming {Dir}: {Done} steps done before, {Unfinished} started and not finished (re-checked first)", dir, journal.DoneBefore.Count, journal.UnfinishedBefore.Count);
        return (scope, await ExecuteAsync(plan, journal, host.Inventory, host.ConnectAsync, dir, cancellationToken).ConfigureAwait(false));
    }

    private async Task<int> RunStageAsync(Plan plan, StateDirectory state, ClusterInventory inventory, Func<Node, CancellationToken, Task<INodeShell>> connect, CancellationToken cancellationToken)
    {
        var dir = StageDir(state, plan.Scope);
        using var journal = Journal.Start(dir, plan);
        return await ExecuteAsync(plan, journal, inventory, connect, dir, cancellationToken).ConfigureAwait(false);
    }

    private async Task<int> ExecuteAsync(Plan plan, Journal journal, ClusterInventory inventory, Func<Node, CancellationToken, Task<INodeShell>> connect, string dir, CancellationToken cancellationToken)
    {
        var runner = new Runner(new RunnerOptions(dir, host.Parallel), inventory, connect, host.EtcdFixer(connect));
        var progress = new PhaseProgress(plan, host.Log, host.Verbose);
        var result = await runner.RunAsync(plan, journal, progress, cancellationToken).ConfigureAwait(false);
        progress.End();
        // A first stage that went well is a step on the way, not the end: one report, at the end.
        if (plan.Complete || result.ExitCode != ExitCodes.Done) host.Report(result, plan, dir);
        return result.ExitCode;
    }

    /// <summary>Shows the plan and asks. <returns>null to go on; otherwise the exit code to stop with.</returns></summary>
    private int? Approve(Plan plan, string whenEmpty)
    {
        host.Show(plan);
        if (!plan.IsEmpty) return host.Confirm();
        host.Log.Information(whenEmpty);
        return ExitCodes.Done;
    }

    /// <summary>
    /// Stage 2's plan is made from new facts. Where it does nothing the operator was not shown (same changes, same
    /// nodes), it runs on the first answer; anything new is shown and asked again.
    /// </summary>
    private int? ApproveRest(Plan shown, Plan rest)
    {
        if (rest.IsEmpty || !PlanSummary.Covers(shown, rest)) return Approve(rest, "nothing left to do");
        host.Log.Information("stage 2: the rest of the plan shown above ({Steps} steps)", rest.Steps.Count());
        return null;
    }

    private bool Drifted(SessionStart.Saved saved, Survey survey)
    {
        NodeIdentity.Require(survey.Answered);
        var now = FactsFingerprint.Of(survey.Answered, survey.Claims.Claims, saved.Plan.Intent.Addresses);
        if (now == saved.Plan.FactsFingerprint) return false;
        host.Log.Error("the cluster changed since {File} was planned (facts {Then} now {Now}): plan again", saved.File, saved.Plan.FactsFingerprint[..12], now[..12]);
        return true;
    }

    /// <summary>The survey's open shells first (no second handshake), a new connection for the others.</summary>
    private Func<Node, CancellationToken, Task<INodeShell>> ShellsOf(Survey survey) =>
        (node, ct) => survey.ShellOf(node.Name) is { } open ? Task.FromResult(open) : host.ConnectAsync(node, ct);

    /// <summary>The plan from what this console sees, for a hand-off; null where none can be made from it.</summary>
    /// <remarks>
    /// At a console no other node answers, nothing may show which address is held (this node's kube-proxy never bound
    /// its own, no API answered): the plan is then made for this node's own address, which is what such a console looks
    /// like when it is the one hijacked, and the hand-off names the address it assumed.
    /// </remarks>
    private Plan? PlanOrNull(Survey survey, IReadOnlyCollection<string>? stoppedEarlier)
    {
        try
        {
            var plan = request.For(survey, stoppedEarlier);
            return plan.IsEmpty && request.Addresses.Count == 0 && survey.Local.Node is { } local
                ? (request with { Addresses = [local.Address] }).For(survey, stoppedEarlier)
                : plan;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            host.Log.Warning("no steps for the other consoles could be planned from here: {Reason}", e.Message);
            return null;
        }
    }

    private static string StageDir(StateDirectory state, PlanScope scope) =>
        scope == PlanScope.LocalFirst ? Path.Combine(state.Path, LocalFirst.StateSubdirectory) : state.Path;
}
