using System.Collections.Concurrent;
using Recovery.Access;
using Recovery.Inventory;
using Recovery.Kubernetes;
using Recovery.Planning;
using Recovery.State;

namespace Recovery.Execution;

/// <summary>
/// Executes a plan exactly: phases in order; within a phase the plan's first node (the local one) alone first,
/// then the other nodes in parallel (at most <see cref="RunnerOptions.Parallel"/>), each node's steps in order
/// (each one through <see cref="StepExecutor"/>). A failed step lets the phase finish and stops the run there
/// (exit 4, resumable); a failed Service fix never lets Restore start a kube-proxy, and the result says what to
/// run by hand. Deferred steps of a node that did not answer wait until it does (retried at every phase), then
/// run in order. Ctrl-C: the step in progress finishes (a wait stops at once), the journal records it, exit 130.
/// </summary>
internal sealed class Runner
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
        // Which way each node was reached (IPv4, or IPv6 link-local around the hijack) goes into the journal once.
        await using var shells = new NodeShells(inventory, connect, shell => journal.Append(
            new JournalRecord(DateTimeOffset.UtcNow, journal.Run, JournalRecord.NodeReached, Node: shell.Node.Name, Detail: shell.Way)));
        var recorder = new StepRecorder(journal, progress);
        var executor = new StepExecutor(options, recorder, new ServiceFixSteps(options, shells, etcd), cancellationToken);
        return await new Schedule(this, plan, shells, recorder, executor, cancellationToken).RunAsync().ConfigureAwait(false);
    }

    /// <summary>The order of one run: phases, the local node first, the deferred backlog.</summary>
    private sealed class Schedule(Runner runner, Plan plan, NodeShells shells, StepRecorder recorder, StepExecutor executor, CancellationToken cancel)
    {
        // Deferred steps of nodes that have not answered yet, in plan order, with their phase.
        private readonly ConcurrentDictionary<string, List<(PhaseKind Phase, Step Step)>> backlog = new(StringComparer.Ordinal);
        private readonly List<string> manual = [];
        private Journal Journal => recorder.Journal;

        public async Task<RunResult> RunAsync()
        {
            try
            {
                Journal.Append(new JournalRecord(DateTimeOffset.UtcNow, Journal.Run, JournalRecord.RunStart, Detail: $"{plan.Steps.Count()} steps"));
            }
            catch (IOException e) when (e is not StateDirectoryException)
            {
                // No step has run: a journal that cannot take its first record (a nearly full disk) stops here, exit 2.
                throw new StateDirectoryException($"the state directory cannot be written ({e.Message}): no step was run. Free space or choose another with --state-dir DIR");
            }
            string? stopped = null;
            var fixFailed = false;
            foreach (var phase in plan.Phases)
            {
                stopped ??= JournalLostReason();
                if (stopped is not null || cancel.IsCancellationRequested || phase.Kind == PhaseKind.Restore && fixFailed)
                {
                    var status = cancel.IsCancellationRequested ? StepStatus.Interrupted : StepStatus.NotRun;
                    var why = phase.Kind == PhaseKind.Restore && fixFailed
                        ? "not started: the Service fix failed, and a started kube-proxy would bind the address again"
                        : stopped ?? "interrupted";
                    foreach (var step in phase.Steps) recorder.Record(phase.Kind, step, status, TimeSpan.Zero, why);
                    continue;
                }
                if (phase.Kind == PhaseKind.FixObject && FixedFirst() is { } first)
                {
                    foreach (var step in phase.Steps) recorder.Record(phase.Kind, step, StepStatus.Skipped, TimeSpan.Zero, $"fixed first, before anything changed ({first})");
                    continue;
                }
                var failed = await RunPhaseAsync(phase).ConfigureAwait(false);
                if (failed.Count > 0)
                {
                    stopped = $"phase {phase.Kind} failed: {string.Join("; ", failed.Select(f => $"{f.StepId} ({f.Detail})"))}";
                    // A node that answered only now catches up on its earlier steps in this phase too: their failure
                    // stops the run, but it is no failed Service fix, and the hand-off must not say it is.
                    if (phase.Kind == PhaseKind.FixObject && failed.Any(f => f.Phase == PhaseKind.FixObject))
                    {
                        fixFailed = true;
                        manual.AddRange(HandOff.AfterFailedFix(plan, phase, runner.options.StateDir));
                    }
                }
            }
            stopped ??= JournalLostReason();
            if (stopped is null && !cancel.IsCancellationRequested)
            {
                // Nodes that answer only now get their deferred steps, in plan order.
                foreach (var node in backlog.Keys.ToList()) await RunNodeAsync(PhaseKind.Verify, node, []).ConfigureAwait(false);
            }
            foreach (var (node, pending) in backlog)
            {
                foreach (var (phase, step) in pending.Where(p => !recorder.Has(p.Step.Id)))
                {
                    recorder.Record(phase, step, StepStatus.Deferred, TimeSpan.Zero, $"{node} never answered: {shells.WhyUnreachable(node)}");
                }
                if (pending.Count > 0) manual.AddRange(HandOff.AtConsole(node, pending.Select(p => p.Step)));
            }
            return End(stopped);
        }

        private RunResult End(string? stopped)
        {
            var ordered = plan.Steps.Select(s => recorder.Outcome(s.Id)).ToList();
            var exit = cancel.IsCancellationRequested ? ExitCodes.Interrupted
                : ordered.Any(o => o.Status is not (StepStatus.Done or StepStatus.Skipped)) ? ExitCodes.StoppedPartway
                : ExitCodes.Done;
            if (cancel.IsCancellationRequested)
            {
                recorder.TryAppend(new JournalRecord(DateTimeOffset.UtcNow, Journal.Run, JournalRecord.Interrupted, Detail: "Ctrl-C: stopped after the step in progress"));
                stopped ??= "interrupted";
            }
            else if (exit != ExitCodes.Done)
            {
                stopped ??= "some nodes never answered: their steps are deferred";
            }
            recorder.TryAppend(new JournalRecord(DateTimeOffset.UtcNow, Journal.Run, JournalRecord.RunEnd, ExitCode: exit, Detail: stopped));
            return new RunResult(ordered, exit, stopped, manual);
        }

        /// <summary>
        /// The fix-first steps, when there were some and every one of them acted, in this run or an earlier one (a skipped
        /// one left it to FixObject: an earlier run's skip too, which a resumed run finds settled and skips again).
        /// </summary>
        private string? FixedFirst()
        {
            var first = plan.Phases.Where(p => p.Kind == PhaseKind.FixFirst).SelectMany(p => p.Steps).ToList();
            return first.Count > 0 && first.All(s => recorder.Has(s.Id) && recorder.Outcome(s.Id).Status == StepStatus.Done || Journal.ActedBefore.Contains(s.Id))
                ? string.Join(", ", first.Select(s => s.Id))
                : null;
        }

        private string? JournalLostReason() => recorder.JournalLost is { } lost
            ? $"the journal could not be written ({lost}): no step was started after that; free space, then continue with --resume {Journal.StateDir}"
            : null;

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
            var before = recorder.Recorded();

            if (phase.FirstNode is { } first && byNode.Remove(first, out var firstSteps))
            {
                await RunNodeAsync(phase.Kind, first, firstSteps).ConfigureAwait(false);
            }
            var nodes = byNode.Keys.Select(n => runner.inventory.FindByName(n)!).ToList();
            // Cancellation is handled inside each node's work (its step in progress finishes), never by the fan-out.
            await Fanout.RunAsync(nodes, async (n, _) => { await RunNodeAsync(phase.Kind, n.Name, byNode[n.Name]).ConfigureAwait(false); return true; },
                runner.options.Parallel, CancellationToken.None).ConfigureAwait(false);
            return recorder.FailedExcept(before);
        }

        private async Task RunNodeAsync(PhaseKind phase, string node, List<Step> steps)
        {
            INodeShell? shell = null;
            if (steps.Any(StepExecutor.NeedsShell) || backlog.ContainsKey(node))
            {
                shell = await shells.ConnectAsync(node, cancel).ConfigureAwait(false);
                if (shell is null)
                {
                    var why = shells.WhyUnreachable(node);
                    foreach (var step in steps)
                    {
                        if (step.Deferred)
                        {
                            backlog.GetOrAdd(node, _ => []).Add((phase, step));
                            recorder.Deferred(phase, step, why);
                        }
                        else
                        {
                            recorder.Record(phase, step, StepStatus.Failed, TimeSpan.Zero, $"cannot reach {node}: {why}");
                        }
                    }
                    return;
                }
            }
            var queue = new List<(PhaseKind Phase, Step Step)>();
            if (backlog.TryRemove(node, out var pending)) queue.AddRange(pending);
            queue.AddRange(steps.Select(s => (phase, s)));
            var blocked = false;
            var firstTries = new Dictionary<string, CommandResult>(StringComparer.Ordinal);
            for (var i = 0; i < queue.Count; i++)
            {
                var (p, step) = queue[i];
                if (blocked || cancel.IsCancellationRequested || recorder.JournalLost is not null)
                {
                    recorder.Record(p, step, cancel.IsCancellationRequested ? StepStatus.Interrupted : StepStatus.NotRun, TimeSpan.Zero,
                        cancel.IsCancellationRequested ? "interrupted" : recorder.JournalLost is not null ? "not started: the journal cannot be written" : "an earlier step on this node failed");
                    continue;
                }
                if (shell is not null && !firstTries.ContainsKey(step.Id)) await ReadAheadAsync(shell, queue, i, firstTries).ConfigureAwait(false);
                firstTries.Remove(step.Id, out var firstTry);
                var outcome = await executor.ExecuteAsync(p, step, shell, firstTry).ConfigureAwait(false);
                blocked = outcome.Status == StepStatus.Failed;
                // Its check did not hold at once: what was read after it was read too early (before it held), so read again.
                if (firstTry is not null && !step.Verify!.Probe.HoldsFor(firstTry)) firstTries.Clear();
            }
        }

        /// <summary>
        /// One round trip for the first try of the node's next steps that only read (<see cref="StepExecutor.ReadsOnly"/>),
        /// in their order: each result is used only while every check before it held (<see cref="RunNodeAsync"/>), so a
        /// check is never judged on what was read before an earlier one held, just as when they run one by one. Where the
        /// batch gives no result, each step reads for itself.
        /// </summary>
        private async Task ReadAheadAsync(INodeShell shell, List<(PhaseKind Phase, Step Step)> queue, int from, Dictionary<string, CommandResult> firstTries)
        {
            var run = queue.Skip(from).TakeWhile(q => q.Phase == queue[from].Phase && StepExecutor.ReadsOnly(q.Step) && !Journal.Settled(q.Phase, q.Step))
                .Select(q => q.Step).ToList();
            if (run.Count < 2) return;
            try
            {
                if (await shell.RunEachAsync([.. run.Select(s => s.Verify!.Probe.Command.ToShell())], runner.options.Timeout, cancellationToken: CancellationToken.None).ConfigureAwait(false) is { } results)
                {
                    for (var k = 0; k < run.Count; k++) firstTries[run[k].Id] = results[k];
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Nothing was changed by it: each step reads for itself, and meets the same trouble there if it lasts.
            }
        }
    }
}
