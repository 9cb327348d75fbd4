using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Recovery.Access;
using Recovery.Inventory;
using Recovery.Planning;
using Recovery.Kubernetes;
using Recovery.State;

namespace Recovery.Execution;

/// <summary>
/// Executes a plan exactly: phases in order; within a phase the plan's first node (the local one) alone first,
/// then the other nodes in parallel (at most <see cref="RunnerOptions.Parallel"/>), each node's steps in order.
/// Each step: guard, check (postcondition held: skipped), act, verify within its budget; every start and result
/// goes to the journal before the next step. A failed step lets the phase finish and stops the run there (exit 4,
/// resumable); a failed Service fix never lets Restore start a kube-proxy, and the result says what to run by hand.
/// Deferred steps of a node that did not answer wait until it does (retried at every phase), then run in order.
/// Ctrl-C: the step in progress finishes (a wait stops at once), the journal records the interruption, exit 130.
/// </summary>
public sealed class Runner
{
    private readonly RunnerOptions options;
    private readonly ClusterInventory inventory;
    private readonly Func<Node, CancellationToken, Task<INodeShell>> connect;
    private readonly IEtcdServiceFixer? etcd;

    /// <param name="connect">Opens a shell on a node (local shell for the local node, SSH for the others); throws when the node does not answer.
    /// Each node is connected once per run (retried per phase while it does not answer); the runner disposes the shells it got when the run ends.</param>
    /// <param name="etcd">For EtcdFix steps and the --via auto fallback; null: those fail with an explanation.</param>
    public Runner(RunnerOptions options, ClusterInventory inventory, Func<Node, CancellationToken, Task<INodeShell>> connect, IEtcdServiceFixer? etcd = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Parallel, 1);
        this.options = options;
        this.inventory = inventory;
        this.connect = connect;
        this.etcd = etcd;
    }

    public async Task<RunResult> RunAsync(Plan plan, Journal journal, IProgress<StepEvent>? progress = null, CancellationToken cancellationToken = default)
    {
        await using var run = new Execution(this, plan, journal, progress, cancellationToken);
        return await run.RunAsync().ConfigureAwait(false);
    }

    /// <summary>The state of one run.</summary>
    private sealed class Execution(Runner runner, Plan plan, Journal journal, IProgress<StepEvent>? progress, CancellationToken cancel) : IAsyncDisposable
    {
        private readonly ConcurrentDictionary<string, INodeShell> shells = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, string> unreachable = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, StepOutcome> outcomes = new(StringComparer.Ordinal);
        // Deferred steps of nodes that have not answered yet, in plan order, with their phase.
        private readonly ConcurrentDictionary<string, List<(PhaseKind Phase, Step Step)>> backlog = new(StringComparer.Ordinal);
        private readonly List<string> manual = [];
        // Set when the journal could not take a record: from then on no step starts anywhere (write-ahead: a step
        // whose start cannot be recorded must not act, or a resume could not know it acted).
        private volatile string? journalLost;

        public async Task<RunResult> RunAsync()
        {
            try
            {
                journal.Append(new JournalRecord(DateTimeOffset.UtcNow, journal.Run, JournalRecord.RunStart, Detail: $"{plan.Steps.Count()} steps"));
            }
            catch (IOException e) when (e is not State.StateDirectoryException)
            {
                // No step has run: a journal that cannot take its first record (a nearly full disk) stops here, exit 2.
                throw new State.StateDirectoryException($"the state directory cannot be written ({e.Message}): no step was run. Free space or choose another with --state-dir DIR");
            }
            string? stopped = null;
            var fixFailed = false;
            foreach (var phase in plan.Phases)
            {
                if (journalLost is { } lost) stopped ??= $"the journal could not be written ({lost}): no step was started after that; free space, then continue with --resume {journal.StateDir}";
                if (stopped is not null || cancel.IsCancellationRequested || phase.Kind == PhaseKind.Restore && fixFailed)
                {
                    var status = cancel.IsCancellationRequested ? StepStatus.Interrupted : StepStatus.NotRun;
                    var why = phase.Kind == PhaseKind.Restore && fixFailed
                        ? "not started: the Service fix failed, and a started kube-proxy would bind the address again"
                        : stopped ?? "interrupted";
                    foreach (var step in phase.Steps) Record(phase.Kind, step, status, TimeSpan.Zero, why);
                    continue;
                }
                var failed = await RunPhaseAsync(phase).ConfigureAwait(false);
                if (failed.Count > 0)
                {
                    stopped = $"phase {phase.Kind} failed: {string.Join("; ", failed.Select(f => $"{f.StepId} ({f.Detail})"))}";
                    if (phase.Kind == PhaseKind.FixObject)
                    {
                        fixFailed = true;
                        ExplainFixFailure(phase);
                    }
                }
            }
            if (journalLost is { } lostLate) stopped ??= $"the journal could not be written ({lostLate}): no step was started after that; free space, then continue with --resume {journal.StateDir}";
            if (stopped is null && !cancel.IsCancellationRequested)
            {
                await RunLateNodesAsync().ConfigureAwait(false);
            }
            foreach (var (node, pending) in backlog)
            {
                foreach (var (phase, step) in pending.Where(p => !outcomes.ContainsKey(p.Step.Id)))
                {
                    Record(phase, step, StepStatus.Deferred, TimeSpan.Zero, $"{node} never answered: {unreachable.GetValueOrDefault(node, "not connected")}");
                }
                if (pending.Count > 0) manual.AddRange(ConsoleCommands(node, pending.Select(p => p.Step)));
            }

            var ordered = plan.Steps.Select(s => outcomes[s.Id]).ToList();
            var exit = cancel.IsCancellationRequested ? RunResult.Interrupted
                : ordered.Any(o => o.Status is not (StepStatus.Done or StepStatus.Skipped)) ? RunResult.StoppedPartway
                : RunResult.Success;
            if (cancel.IsCancellationRequested)
            {
                TryAppend(new JournalRecord(DateTimeOffset.UtcNow, journal.Run, JournalRecord.Interrupted, Detail: "Ctrl-C: stopped after the step in progress"));
                stopped ??= "interrupted";
            }
            else if (exit != RunResult.Success)
            {
                stopped ??= "some nodes never answered: their steps are deferred";
            }
            TryAppend(new JournalRecord(DateTimeOffset.UtcNow, journal.Run, JournalRecord.RunEnd, ExitCode: exit, Detail: stopped));
            return new RunResult(ordered, exit, stopped, manual);
        }

        /// <returns>The steps that failed.</returns>
        private async Task<IReadOnlyList<StepOutcome>> RunPhaseAsync(Phase phase)
        {
            var byNode = new Dictionary<string, List<Step>>(StringComparer.Ordinal);
            foreach (var step in phase.Steps)
            {
                if (!byNode.TryGetValue(step.Node, out var list)) byNode[step.Node] = list = [];
                list.Add(step);
            }
            foreach (var node in backlog.Keys.Where(n => !byNode.ContainsKey(n))) byNode[node] = [];
            var before = outcomes.Keys.ToHashSet();

            if (phase.FirstNode is { } first && byNode.Remove(first, out var firstSteps))
            {
                await RunNodeAsync(phase.Kind, first, firstSteps).ConfigureAwait(false);
            }
            var nodes = byNode.Keys.Select(n => Inventory.FindByName(n)!).ToList();
            // Cancellation is handled inside each node's work (its step in progress finishes), never by the fan-out.
            await Fanout.RunAsync(nodes, async (n, _) => { await RunNodeAsync(phase.Kind, n.Name, byNode[n.Name]).ConfigureAwait(false); return true; },
                runner.options.Parallel, CancellationToken.None).ConfigureAwait(false);
            return outcomes.Where(o => !before.Contains(o.Key) && o.Value.Status == StepStatus.Failed).Select(o => o.Value).ToList();
        }

        private ClusterInventory Inventory => runner.inventory;

        private async Task RunNodeAsync(PhaseKind phase, string node, List<Step> steps)
        {
            INodeShell? shell = null;
            if (steps.Any(NeedsShell) || backlog.ContainsKey(node))
            {
                shell = await ConnectAsync(node).ConfigureAwait(false);
                if (shell is null)
                {
                    foreach (var step in steps)
                    {
                        if (step.Deferred)
                        {
                            backlog.GetOrAdd(node, _ => []).Add((phase, step));
                            progress?.Report(new StepEvent(phase, node, step.Id, step.What, StepStatus.Deferred, TimeSpan.Zero, unreachable[node]));
                        }
                        else
                        {
                            Record(phase, step, StepStatus.Failed, TimeSpan.Zero, $"cannot reach {node}: {unreachable[node]}");
                        }
                    }
                    return;
                }
            }
            var queue = new List<(PhaseKind Phase, Step Step)>();
            if (backlog.TryRemove(node, out var pending)) queue.AddRange(pending);
            queue.AddRange(steps.Select(s => (phase, s)));
            var blocked = false;
            foreach (var (p, step) in queue)
            {
                if (blocked || cancel.IsCancellationRequested || journalLost is not null)
                {
                    Record(p, step, cancel.IsCancellationRequested ? StepStatus.Interrupted : StepStatus.NotRun, TimeSpan.Zero,
                        cancel.IsCancellationRequested ? "interrupted" : journalLost is not null ? "not started: the journal cannot be written" : "an earlier step on this node failed");
                    continue;
                }
                var outcome = await ExecuteAsync(p, step, shell).ConfigureAwait(false);
                blocked = outcome.Status == StepStatus.Failed;
            }
        }

        /// <summary>After the last phase: nodes that answer only now get their deferred steps, in plan order.</summary>
        private async Task RunLateNodesAsync()
        {
            foreach (var node in backlog.Keys.ToList())
            {
                await RunNodeAsync(PhaseKind.Verify, node, []).ConfigureAwait(false);
            }
        }

        private static bool NeedsShell(Step step) => step.Action is RunCommands or SaveOutput || step.Guard is not null || step.Check is not null || step.Verify is not null;

        private async Task<INodeShell?> ConnectAsync(string name)
        {
            if (shells.TryGetValue(name, out var shell)) return shell;
            var node = Inventory.FindByName(name);
            if (node is null)
            {
                unreachable[name] = "not in the inventory";
                return null;
            }
            try
            {
                shell = await runner.connect(node, cancel).ConfigureAwait(false);
                shells[name] = shell;
                unreachable.TryRemove(name, out _);
                return shell;
            }
            catch (Exception e)
            {
                unreachable[name] = e is OperationCanceledException ? "interrupted while connecting" : e.Message;
                return null;
            }
        }

        private async Task<StepOutcome> ExecuteAsync(PhaseKind phase, Step step, INodeShell? shell)
        {
            if (journal.DoneBefore.Contains(step.Id))
            {
                return Record(phase, step, StepStatus.Skipped, TimeSpan.Zero, "done in an earlier run (journal)");
            }
            // Write-ahead: the start is on disk before the step does anything; if it cannot be, the step does nothing.
            if (!TryAppend(new JournalRecord(DateTimeOffset.UtcNow, journal.Run, JournalRecord.StepStart, phase, step.Id, step.Node,
                Detail: journal.UnfinishedBefore.Contains(step.Id) ? "started before but never finished: checking its postcondition first" : null)))
            {
                return Record(phase, step, StepStatus.NotRun, TimeSpan.Zero, $"not started: the journal could not record its start ({journalLost})");
            }
            progress?.Report(new StepEvent(phase, step.Node, step.Id, step.What, null, TimeSpan.Zero, null));
            var clock = Stopwatch.StartNew();
            CommandResult? last = null;
            try
            {
                // Once a step has started it finishes: commands get no cancellation token (each runs under its timeout).
                if (step.Guard is { } guard && !(await HoldsAsync(shell!, guard).ConfigureAwait(false)).Holds)
                {
                    return Record(phase, step, StepStatus.Skipped, clock.Elapsed, $"does not apply here (`{guard.Command}`)");
                }
                if (step.Check is { } check)
                {
                    (var holds, last) = await HoldsAsync(shell!, check).ConfigureAwait(false);
                    if (holds) return Record(phase, step, StepStatus.Skipped, clock.Elapsed, "already done", last);
                }
                var (acted, detail, result) = await ActAsync(step, shell).ConfigureAwait(false);
                last = result ?? last;
                if (!acted) return Record(phase, step, detail.StartsWith("interrupted", StringComparison.Ordinal) ? StepStatus.Interrupted : StepStatus.Failed, clock.Elapsed, detail, last);
                if (step.Verify is { } verify)
                {
                    var (verified, verifyResult) = await VerifyAsync(shell!, verify).ConfigureAwait(false);
                    last = verifyResult;
                    if (!verified)
                    {
                        return Record(phase, step, StepStatus.Failed, clock.Elapsed,
                            $"did not verify within {verify.Budget.TotalSeconds:0} s: `{verify.Probe.Command}` (exit {verifyResult.ExitCode})", last);
                    }
                }
                return Record(phase, step, StepStatus.Done, clock.Elapsed, detail, last);
            }
            catch (Exception e)
            {
                return Record(phase, step, StepStatus.Failed, clock.Elapsed, e.Message, last);
            }
        }

        private async Task<(bool Holds, CommandResult Result)> HoldsAsync(INodeShell shell, Probe probe)
        {
            var result = await shell.RunAsync(probe.Command, runner.options.Timeout, CancellationToken.None).ConfigureAwait(false);
            return (probe.HoldsFor(result), result);
        }

        private async Task<(bool Verified, CommandResult Last)> VerifyAsync(INodeShell shell, Verification verify)
        {
            var deadline = Stopwatch.StartNew();
            while (true)
            {
                var (holds, result) = await HoldsAsync(shell, verify.Probe).ConfigureAwait(false);
                if (holds) return (true, result);
                if (deadline.Elapsed + verify.Interval > verify.Budget) return (false, result);
                await Task.Delay(verify.Interval, CancellationToken.None).ConfigureAwait(false);
            }
        }

        private async Task<(bool Acted, string Detail, CommandResult? Last)> ActAsync(Step step, INodeShell? shell)
        {
            switch (step.Action)
            {
                case RunCommands run:
                    CommandResult? last = null;
                    foreach (var command in run.Commands)
                    {
                        last = await shell!.RunAsync(command, runner.options.Timeout, CancellationToken.None).ConfigureAwait(false);
                        if (!last.Succeeded) return (false, $"`{command}` failed with exit {last.ExitCode}: {FirstLine(last)}", last);
                    }
                    return (true, run.Commands.Count == 0 ? "verified" : "done", last);
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
                    var output = await shell!.RunAsync(save.Command, runner.options.Timeout, CancellationToken.None).ConfigureAwait(false);
                    if (!output.Succeeded) return (false, $"`{save.Command}` failed with exit {output.ExitCode}: {FirstLine(output)}", output);
                    var path = StateFile.WriteNew(runner.options.StateDir, save.File, Encoding.UTF8.GetBytes(output.StdOut));
                    return (true, $"saved {path}", output with { StdOut = "" });
                case KubectlFix fix:
                    return await FixThroughKubectlAsync(fix).ConfigureAwait(false);
                case EtcdFix fix:
                    return await FixThroughEtcdAsync(fix.Service, fix.Action, fix.Addresses).ConfigureAwait(false);
                default:
                    return (false, $"unknown step kind {step.Action.GetType().Name}", null);
            }
        }

        /// <summary>The first candidate whose API answers does the fix; with --via auto, etcd when none answers.</summary>
        private async Task<(bool, string, CommandResult?)> FixThroughKubectlAsync(KubectlFix fix)
        {
            var fixer = new KubectlServiceFix(new(fix.Service, fix.Action, fix.Addresses, fix.RequestTimeout), runner.options.StateDir, runner.options.Timeout);
            var silent = new List<string>();
            CommandResult? last = null;
            foreach (var candidate in fix.Candidates)
            {
                var shell = await ConnectAsync(candidate.Node).ConfigureAwait(false);
                if (shell is null)
                {
                    silent.Add($"{candidate.Node}: {unreachable[candidate.Node]}");
                    continue;
                }
                var result = await fixer.RunAsync(shell, candidate.Kubeconfig, CancellationToken.None).ConfigureAwait(false);
                last = result.Last;
                switch (result.Outcome)
                {
                    case KubectlServiceFix.Outcome.ApiDidNotAnswer:
                        silent.Add(result.Detail);
                        continue;
                    case KubectlServiceFix.Outcome.AlreadyFixed or KubectlServiceFix.Outcome.Fixed:
                        return (true, $"via {candidate.Node}: {result.Detail}", last);
                    default:
                        return (false, $"via {candidate.Node}: {result.Detail}", last);
                }
            }
            if (fix.EtcdFallback && runner.etcd is not null)
            {
                var (ok, detail, _) = await FixThroughEtcdAsync(fix.Service, fix.Action, fix.Addresses).ConfigureAwait(false);
                return (ok, $"no API answered ({string.Join("; ", silent)}); through etcd: {detail}", last);
            }
            return (false, $"no API answered: {(silent.Count == 0 ? "no control-plane node with kubectl" : string.Join("; ", silent))}", last);
        }

        private async Task<(bool, string, CommandResult?)> FixThroughEtcdAsync(Kubernetes.ServiceRef? service, Kubernetes.FixAction action, IReadOnlyList<System.Net.IPAddress> addresses)
        {
            if (runner.etcd is null) return (false, "no etcd access was configured (--etcd-endpoints and client certificates)", null);
            var result = await runner.etcd.FixAsync(service, action, addresses, runner.options.StateDir, CancellationToken.None).ConfigureAwait(false);
            var backup = result.BackupFile is null ? "" : $" (backup {result.BackupFile})";
            return (result.Succeeded, result.Detail + backup, null);
        }

        private void ExplainFixFailure(Phase phase)
        {
            manual.Add("# The Service fix failed, so no kube-proxy was started again (it would bind the address again).");
            manual.Add("# Fix the Service by hand on a control-plane node (or rerun with --via etcd --resume):");
            foreach (var step in phase.Steps)
            {
                if (step.Action is KubectlFix fix) manual.AddRange(KubectlServiceFix.ManualCommands(new(fix.Service, fix.Action, fix.Addresses, fix.RequestTimeout)));
                if (step.Action is EtcdFix etcdFix) manual.Add($"# through etcd: kube-recover recover --via etcd --resume {runner.options.StateDir} (Services: {etcdFix.Service?.ToString() ?? "every one claiming the address"})");
            }
            manual.Add("# Then start again what was stopped:");
            foreach (var step in plan.Phases.Where(p => p.Kind == PhaseKind.Restore).SelectMany(p => p.Steps))
            {
                if (step.Action is RunCommands run) manual.AddRange(run.Commands.Select(c => $"{c.Render()}    # on {step.Node}"));
            }
        }

        private static IEnumerable<string> ConsoleCommands(string node, IEnumerable<Step> steps)
        {
            yield return $"# {node} never answered: at its console run, in this order (or `kube-recover plan --format script`):";
            foreach (var step in steps)
            {
                if (step.Action is RunCommands { Commands.Count: > 0 } run)
                {
                    foreach (var c in run.Commands) yield return $"{c.Render()}    # {step.Id}";
                }
            }
        }

        private StepOutcome Record(PhaseKind phase, Step step, StepStatus status, TimeSpan elapsed, string detail, CommandResult? result = null)
        {
            var outcome = new StepOutcome(phase, step.Id, step.Node, status, elapsed, detail);
            outcomes[step.Id] = outcome;
            if (status is not (StepStatus.NotRun or StepStatus.Deferred) || journal.DoneBefore.Contains(step.Id))
            {
                // A lost result is safe (resume re-checks a step without one); the run stops at the next step.
                TryAppend(new JournalRecord(DateTimeOffset.UtcNow, journal.Run, JournalRecord.StepResult, phase, step.Id, step.Node, status,
                    result?.ExitCode, result?.StdOut, result?.StdErr, (long)elapsed.TotalMilliseconds, detail));
            }
            progress?.Report(new StepEvent(phase, step.Node, step.Id, step.What, status, elapsed, detail));
            return outcome;
        }

        /// <returns>false when the journal could not take the record (then, and once it has failed before: nothing more is written).</returns>
        private bool TryAppend(JournalRecord record)
        {
            if (journalLost is not null) return false;
            try
            {
                journal.Append(record);
                return true;
            }
            catch (IOException e)
            {
                journalLost ??= $"{Path.Combine(journal.StateDir, Journal.JournalFileName)}: {e.Message}";
                return false;
            }
        }

        private static string FirstLine(CommandResult r)
        {
            var text = (r.StdErr.Length > 0 ? r.StdErr : r.StdOut).Trim();
            return text.Length == 0 ? "no output" : text.Split('\n')[0];
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var shell in shells.Values)
            {
                await shell.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
