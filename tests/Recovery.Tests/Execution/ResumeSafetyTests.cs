using Recovery.Access;
using Recovery.Commands;
using Recovery.Execution;
using Recovery.Inventory;
using Recovery.Planning;
using static Recovery.Tests.Planning.Cluster;

namespace Recovery.Tests.Execution;

/// <summary>
/// What a resumed run (guarantee 5) must not take as done from the journal, or guarantee 3 breaks: a fix-first that was
/// skipped (no answer) is no fix; a Restore step recorded only because the run was interrupted is no Restore begun;
/// a static pod's manifest aside is no kube-proxy stopped. Each one starts kube-proxy before the fix, or unbinds under a
/// running one, in the fake cluster (its Violations) when the rule is taken out.
/// </summary>
public sealed class ResumeSafetyTests : IDisposable
{
    private readonly string stateDir = Path.Combine(Path.GetTempPath(), $"kr-resume-{Guid.NewGuid():N}");
    private static readonly RecoveryIntent FastIntent = Intent() with { SyncPeriod = TimeSpan.FromMilliseconds(100) };

    public void Dispose()
    {
        if (Directory.Exists(stateDir)) Directory.Delete(stateDir, recursive: true);
    }

    private static Func<Node, CancellationToken, Task<INodeShell>> Connect(FakeCluster cluster, Func<Node, INodeShell>? shell = null) =>
        (node, _) => Task.FromResult(shell?.Invoke(node) ?? new FakeShell(cluster, node, node.Name == "node2"));

    private Task<RunResult> RunAsync(Plan plan, Journal journal, FakeCluster cluster, Func<Node, INodeShell>? shell = null, IProgress<StepEvent>? progress = null, CancellationToken cancel = default) =>
        new Runner(new RunnerOptions(stateDir, Parallel: 2), Seed(), Connect(cluster, shell)).RunAsync(plan, journal, progress, cancel);

    private async Task<RunResult> ResumeAsync(FakeCluster cluster, Func<Node, INodeShell>? shell = null)
    {
        using var journal = Journal.Resume(stateDir, Seed(), out var plan);
        return await RunAsync(plan, journal, cluster, shell);
    }

    [Fact]
    public async Task A_fix_first_skipped_for_want_of_an_answer_still_leaves_the_fix_to_FixObject_after_a_resume()
    {
        // Run 1: fix-first through node3 gets no answer (skipped, left to FixObject), then node3's unbind fails: the run
        // stops after Unbind, before FixObject. The journal holds the fix-first as finished (skipped), not as done.
        var cluster = FakeCluster.Seed(Seed(), Node1);
        cluster.ApiAnswers = n => n.Name != "node3";
        cluster.FailWhen = (node, command) => node == "node3" && command.StartsWith("ip addr del", StringComparison.Ordinal);
        var plan = Planner.Create(Seed(), SeedFacts(), FastIntent with { FixFirstVia = "node3" }, "node2", Created);
        RunResult first;
        using (var journal = Journal.Start(stateDir, plan)) first = await RunAsync(plan, journal, cluster);
        Assert.Equal(ExitCodes.StoppedPartway, first.ExitCode);
        Assert.Equal(StepStatus.Skipped, first.Outcomes.Single(o => o.Phase == PhaseKind.FixFirst).Status);

        cluster.FailWhen = (_, _) => false;
        var second = await ResumeAsync(cluster);

        var fix = second.Outcomes.Single(o => o.Phase == PhaseKind.FixObject);
        Assert.True(cluster.Violations.Count == 0, $"{string.Join("\n", cluster.Violations)}\nFixObject {fix.Status}: {fix.Detail}");
        Assert.Equal(StepStatus.Done, fix.Status);
        Assert.DoesNotContain(cluster.Services, s => s.Name == "nginx-service");
        Assert.Equal(ExitCodes.Done, second.ExitCode);
    }

    [Fact]
    public async Task After_Ctrl_C_before_Restore_a_resume_checks_Contain_again()
    {
        // Run 1: Ctrl-C while node3's kube-proxy is being stopped. The stop finishes; every later step is recorded
        // "interrupted", Restore's included, though none of them started.
        var cluster = FakeCluster.Seed(Seed(), Node1);
        var plan = Planner.Create(Seed(), SeedFacts(), FastIntent, "node2", Created);
        using var cancel = new CancellationTokenSource();
        var progress = new RunnerTests.SyncProgress([], e => { if (e.Status is null && e.StepId == "contain/node3/stop-kube-proxy") cancel.Cancel(); });
        RunResult first;
        using (var journal = Journal.Start(stateDir, plan)) first = await RunAsync(plan, journal, cluster, progress: progress, cancel: cancel.Token);
        Assert.Equal(ExitCodes.Interrupted, first.ExitCode);
        Assert.All(first.Outcomes.Where(o => o.Phase == PhaseKind.Restore), o => Assert.Equal(StepStatus.Interrupted, o.Status));

        // In between, something starts node3's kube-proxy again (a supervisor, an operator): what Journal.Settled checks
        // Contain again for, while that node's Restore has not begun.
        cluster.Nodes["node3"].ProxyRunning = true;
        var second = await ResumeAsync(cluster);

        Assert.True(cluster.Violations.Count == 0, string.Join("\n", cluster.Violations) + "\n" + RunReport.Table(second));
        Assert.Equal(StepStatus.Done, second.Outcomes.Single(o => o.StepId == "contain/node3/stop-kube-proxy").Status);
        Assert.Equal(ExitCodes.Done, second.ExitCode);
    }

    /// <summary>
    /// node3's kube-proxy is a static pod whose manifest an earlier run moved aside, and whose kubelet stops the pod only
    /// after a few more reads of its port (a slow sync, or stuck for a while); moving the manifest back starts it again.
    /// Everything else is the fake cluster's.
    /// </summary>
    private sealed class SlowStaticPodShell(FakeCluster cluster, Node node, string manifest) : ShellDouble(node)
    {
        private readonly FakeShell inner = new(cluster, node, false);
        private bool aside = true;
        private int readsBeforeKubeletStopsIt = 3;

        private FakeCluster.NodeState State => cluster.Nodes[Node.Name];

        public override Task<CommandResult> RunAsync(ShellCommand command, TimeSpan timeout, CancellationToken cancellationToken = default)
        {
            var text = command.Render();
            if (text == new StaticPodStopped(manifest).ToShell().Render()) return Exit(aside && !State.ProxyRunning);
            if (text == new ManifestIsAside(manifest).ToShell().Render()) return Exit(aside);
            if (text == new ManifestInPlace(manifest).ToShell().Render()) return Exit(!aside);
            if (text == new AsideDirectoryCreate().ToShell().Render()) return Exit(true);
            if (text == new ManifestMoveAside(manifest).ToShell().Render())
            {
                aside = true;
                return Exit(true);
            }
            if (text == new ManifestMoveBack(manifest).ToShell().Render())
            {
                aside = false;
                State.ProxyRunning = true;
                return Exit(true);
            }
            if (text.Contains("10249", StringComparison.Ordinal) && aside && State.ProxyRunning && --readsBeforeKubeletStopsIt == 0) State.ProxyRunning = false;
            return inner.RunAsync(command, timeout, cancellationToken);
        }

        private static Task<CommandResult> Exit(bool holds) => Task.FromResult(new CommandResult(holds ? 0 : 1, "", "", TimeSpan.FromMilliseconds(1)));
    }

    [Fact]
    public async Task A_static_pod_manifest_aside_is_not_taken_for_kube_proxy_stopped_by_a_resume()
    {
        // Run 1 moved node3's manifest aside and was killed (-9) before kube-proxy went silent: its Contain step started
        // and never finished. The resume checks that step's postcondition: kube-proxy still answers, so it is not done.
        const string manifest = "/etc/kubernetes/manifests/kube-proxy.yaml";
        var facts = SeedFacts();
        facts[2] = FactsOf("node3", Node3, new Recovery.Facts.KubeProxyFacts(KubeProxyManager.StaticPod, true, "ipvs", ManifestPath: manifest), [Node1]);
        var plan = Planner.Create(Seed(), facts, FastIntent, "node2", Created);
        using (var journal = Journal.Start(stateDir, plan))
        {
            journal.Append(new JournalRecord(DateTimeOffset.UtcNow, journal.Run, JournalRecord.StepStart, PhaseKind.Contain, "contain/node3/stop-kube-proxy", "node3"));
        }
        var cluster = FakeCluster.Seed(Seed(), Node1);
        cluster.Nodes["node3"].StopMarker = ["written by run 1"];

        var second = await ResumeAsync(cluster, node => node.Name == "node3" ? new SlowStaticPodShell(cluster, node, manifest) : new FakeShell(cluster, node, node.Name == "node2"));

        Assert.True(cluster.Violations.Count == 0, string.Join("\n", cluster.Violations) + "\n" + RunReport.Table(second));
        var contain = second.Outcomes.Single(o => o.StepId == "contain/node3/stop-kube-proxy");
        Assert.True(contain.Status == StepStatus.Done, $"{contain.Status}: {contain.Detail}");
        Assert.Equal(ExitCodes.Done, second.ExitCode);
    }
}
