using System.Diagnostics;
using System.Text;
using Recovery.Access;
using Recovery.Planning;
using Recovery.State;

namespace Recovery.Execution;

/// <summary>
/// One step: skipped when an earlier run finished it (journal); its start written ahead; then guard (does it
/// apply here), check (postcondition already holds: skipped, guarantee 5), act, verify within its budget.
/// Once a step has started it finishes: commands get no cancellation token (each runs under its timeout);
/// only a wait stops at once.
/// </summary>
internal sealed class StepExecutor(RunnerOptions options, StepRecorder recorder, ServiceFixSteps fixes, CancellationToken cancel)
{
    private Journal Journal => recorder.Journal;

    /// <param name="firstTry">the verify's first result, read already (<see cref="ReadsOnly"/> steps read in one round trip); null: read it here.</param>
    public async Task<StepOutcome> ExecuteAsync(PhaseKind phase, Step step, INodeShell? shell, CommandResult? firstTry = null)
    {
        if (Journal.Settled(phase, step))
        {
            return recorder.Record(phase, step, StepStatus.Skipped, TimeSpan.Zero, "done in an earlier run (journal)");
        }
        // Write-ahead: the start is on disk before the step does anything; if it cannot be, the step does nothing.
        if (!recorder.TryAppend(new JournalRecord(DateTimeOffset.UtcNow, Journal.Run, JournalRecord.StepStart, phase, step.Id, step.Node,
            Detail: Journal.UnfinishedBefore.Contains(step.Id) ? "started before but never finished: checking its postcondition first" : null)))
        {
            return recorder.Record(phase, step, StepStatus.NotRun, TimeSpan.Zero, $"not started: the journal could not record its start ({recorder.JournalLost})");
        }
        recorder.Started(phase, step);
        var clock = Stopwatch.StartNew();
        CommandResult? last = null;
        try
        {
            if (step.Guard is { } guard)
            {
                var (applies, asked) = await HoldsAsync(shell!, guard).ConfigureAwait(false);
                // A guard that timed out or could not be executed says nothing: not "does not apply". A tool that is not
                // installed is an answer here (`command -v` exits 127 in dash, `ipset` missing does too): the step is for it.
                if (!applies && (asked.TimedOut || asked.ExitCode == 126))
                {
                    return recorder.Record(phase, step, StepStatus.Failed, clock.Elapsed, $"could not tell whether it applies here: `{guard.Command}` {(asked.TimedOut ? "timed out" : "could not be executed (exit 126)")}", asked);
                }
                if (!applies) return recorder.Record(phase, step, StepStatus.Skipped, clock.Elapsed, $"does not apply here (`{guard.Command}`)");
            }
            if (step.Check is { } check)
            {
                (var holds, last) = await HoldsAsync(shell!, check).ConfigureAwait(false);
                if (holds) return recorder.Record(phase, step, StepStatus.Skipped, clock.Elapsed, "already done", last);
            }
            bool acted;
            string detail;
            CommandResult? result;
            if (step.Action is RunCommands run)
            {
                (acted, detail, result, var readAfter) = await RunCommandsAsync(run, step.Verify, shell!).ConfigureAwait(false);
                firstTry ??= readAfter;
            }
            else
            {
                (acted, detail, result) = await ActAsync(step, shell).ConfigureAwait(false);
            }
            last = result ?? last;
            if (!acted && phase == PhaseKind.FixFirst) return NotFixedFirst(phase, step, clock.Elapsed, detail, last);
            if (!acted) return recorder.Record(phase, step, detail.StartsWith("interrupted", StringComparison.Ordinal) ? StepStatus.Interrupted : StepStatus.Failed, clock.Elapsed, detail, last);
            if (step.Verify is { } verify)
            {
                var (verified, verifyResult) = await VerifyAsync(shell!, verify, firstTry).ConfigureAwait(false);
                last = verifyResult;
                if (!verified)
                {
                    return recorder.Record(phase, step, StepStatus.Failed, clock.Elapsed,
                        $"did not verify within {verify.Budget.TotalSeconds:0} s: `{verify.Probe.Command}` (exit {verifyResult.ExitCode}{Printed(verifyResult)})", last);
                }
            }
            return recorder.Record(phase, step, StepStatus.Done, clock.Elapsed, detail, last);
        }
        catch (Exception e)
        {
            if (phase == PhaseKind.FixFirst) return NotFixedFirst(phase, step, clock.Elapsed, e.Message, last);
            return recorder.Record(phase, step, StepStatus.Failed, clock.Elapsed, e.Message, last);
        }
    }

    /// <summary>Fix-first is a head start: where it fails, FixObject fixes the Service after the unbind, so it is skipped, not failed.</summary>
    private StepOutcome NotFixedFirst(PhaseKind phase, Step step, TimeSpan elapsed, string why, CommandResult? last) =>
        recorder.Record(phase, step, StepStatus.Skipped, elapsed, $"not fixed first ({why}): FixObject fixes it after the unbind", last);

    /// <summary>Whether the step runs commands on its node (a wait or an etcd fix does not; the claims check reads through kubectl there first).</summary>
    public static bool NeedsShell(Step step) => step.Action is RunCommands or SaveOutput or ClaimsCheck || step.Guard is not null || step.Check is not null || step.Verify is not null;

    private async Task<(bool Holds, CommandResult Result)> HoldsAsync(INodeShell shell, Probe probe)
    {
        var result = await shell.RunAsync(probe.Command.ToShell(), options.Timeout, CancellationToken.None).ConfigureAwait(false);
        return (probe.HoldsFor(result), result);
    }

    /// <summary>
    /// A step that only reads (a verify-only step, no guard, no check, no settle time): its first try can be read
    /// ahead, in one round trip with the node's next such steps.
    /// </summary>
    public static bool ReadsOnly(Step step) =>
        step.Action is RunCommands { Commands.Count: 0 } && step.Guard is null && step.Check is null && step.Verify is { } v && v.Settle == TimeSpan.Zero;

    /// <param name="firstTry">the first try's result when it was read already (with the step's commands, or read ahead).</param>
    private Task<(bool Held, CommandResult Last)> VerifyAsync(INodeShell shell, Verification verify, CommandResult? firstTry) =>
        Retries.UntilAsync(verify.Settle, verify.Budget, verify.Interval, async () =>
        {
            if (firstTry is { } read)
            {
                firstTry = null;
                return (verify.Probe.HoldsFor(read), read);
            }
            return await HoldsAsync(shell, verify.Probe).ConfigureAwait(false);
        });

    /// <summary>
    /// A step's commands and its verify's first try in one round trip: the commands in order, stopping at the first that
    /// fails; the verify read after all of them, as it would be when sent alone (none where it must settle first).
    /// </summary>
    private async Task<(bool Acted, string Detail, CommandResult? Last, CommandResult? VerifyFirst)> RunCommandsAsync(RunCommands run, Verification? verify, INodeShell shell)
    {
        if (run.Commands.Count == 0) return (true, "verified", null, null); // a verify-only step: its verify reads
        var readAfter = verify is { } v && v.Settle == TimeSpan.Zero ? v.Probe : null;
        var commands = run.Commands.Select(c => c.ToShell()).ToList();
        if (readAfter is not null) commands.Add(readAfter.Command.ToShell());
        var results = await shell.RunEachAsync(commands, options.Timeout, run.Commands.Count, CancellationToken.None).ConfigureAwait(false);
        for (var k = 0; k < run.Commands.Count; k++)
        {
            // Unreadable: the commands may have run, so the step fails (a run resumed checks its postcondition first).
            if (results is null || k >= results.Count) return (false, $"the results of `{run.Commands[0]}`{(run.Commands.Count > 1 ? " and the commands after it" : "")} could not be read back from {shell.Node.Name}: they may have run", null, null);
            if (!results[k].Succeeded) return (false, $"`{run.Commands[k]}` failed with exit {results[k].ExitCode}: {FirstLine(results[k])}", results[k], null);
        }
        return (true, "done", results![run.Commands.Count - 1], readAfter is null ? null : results[^1]);
    }

    private async Task<(bool Acted, string Detail, CommandResult? Last)> ActAsync(Step step, INodeShell? shell)
    {
        switch (step.Action)
        {
            case Wait wait:
                try
                {
                    await Task.Delay(wait.Duration, cancel).ConfigureAwait(false);
                    return (true, $"waited {wait.Duration.TotalSeconds:0} s", null);
                }
                catch (OperationCanceledException)
                {
                    return (false, "interrupted during the wait", null);
                }
            case SaveOutput save:
                var output = await shell!.RunAsync(save.Command.ToShell(), options.Timeout, CancellationToken.None).ConfigureAwait(false);
                if (!output.Succeeded) return (false, $"`{save.Command}` failed with exit {output.ExitCode}: {FirstLine(output)}", output);
                var path = StateFile.WriteNew(options.StateDir, save.File, Encoding.UTF8.GetBytes(output.StdOut));
                return (true, $"saved {path}", output with { StdOut = "" });
            case KubectlFix fix:
                return await fixes.ThroughKubectlAsync(fix, cancel).ConfigureAwait(false);
            case EtcdFix fix:
                return await fixes.ThroughEtcdAsync(fix).ConfigureAwait(false);
            case ClaimsCheck check:
                return await fixes.CheckClaimsAsync(check, shell!).ConfigureAwait(false);
            default:
                return (false, $"unknown step kind {step.Action.GetType().Name}", null);
        }
    }

    // What a probe that must print nothing printed says why it did not hold ("kubelet is active").
    private static string Printed(CommandResult r) =>
        r.StdOut.Trim() is { Length: > 0 } text ? $"; printed: {text.Split('\n')[0]}" : "";

    private static string FirstLine(CommandResult r)
    {
        var text = (r.StdErr.Length > 0 ? r.StdErr : r.StdOut).Trim();
        return text.Length == 0 ? "no output" : text.Split('\n')[0];
    }
}
