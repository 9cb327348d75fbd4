using System.Text.Json;
using Recovery.Execution;
using Recovery.Inventory;
using Recovery.Planning;
using static Recovery.Tests.Planning.Cluster;

namespace Recovery.Tests.Execution;

public sealed class JournalTests : IDisposable
{
    private readonly string stateDir = Path.Combine(Path.GetTempPath(), $"kr-journal-{Guid.NewGuid():N}");
    private readonly string crashDir = Path.Combine(Path.GetTempPath(), $"kr-crash-{Guid.NewGuid():N}");

    public void Dispose()
    {
        foreach (var dir in new[] { stateDir, crashDir })
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    private static Plan FastPlan() => Planner.Create(Seed(), SeedFacts(), Intent() with { SyncPeriod = TimeSpan.FromMilliseconds(100) }, "node2", Created);

    private static Func<Node, CancellationToken, Task<Recovery.Access.INodeShell>> Connect(FakeCluster cluster) =>
        (node, _) => Task.FromResult<Recovery.Access.INodeShell>(new FakeShell(cluster, node, node.Name == "node2"));

    [Fact]
    public async Task Every_step_start_and_result_is_one_JSON_line_on_disk_and_the_plan_is_saved_beside_it()
    {
        var plan = FastPlan();
        var cluster = FakeCluster.Seed(Seed(), Node1);
        using (var journal = Journal.Start(stateDir, plan))
        {
            await new Runner(new RunnerOptions(stateDir), Seed(), Connect(cluster)).RunAsync(plan, journal);
        }
        Assert.Equal(PlanJson.Write(plan), File.ReadAllText(Path.Combine(stateDir, Journal.PlanFileName)));
        var lines = File.ReadAllLines(Path.Combine(stateDir, Journal.JournalFileName));
        foreach (var line in lines)
        {
            using var doc = JsonDocument.Parse(line);
            Assert.Equal("run-1", doc.RootElement.GetProperty("run").GetString());
        }
        var records = Journal.ReadAll(stateDir);
        Assert.Equal(JournalRecord.RunStart, records[0].Event);
        Assert.Equal(JournalRecord.RunEnd, records[^1].Event);
        Assert.Equal(0, records[^1].ExitCode);
        foreach (var step in plan.Steps)
        {
            Assert.Single(records, r => r.Event == JournalRecord.StepStart && r.Step == step.Id);
            Assert.Single(records, r => r.Event == JournalRecord.StepResult && r.Step == step.Id && r.Status is StepStatus.Done or StepStatus.Skipped);
        }
        var delete = records.Single(r => r.Event == JournalRecord.StepResult && r.Step == "unbind/node2/del-10.0.0.211");
        Assert.Equal(PhaseKind.Unbind, delete.Phase);
        Assert.Equal("node2", delete.Node);
        Assert.Equal(0, delete.ExitCode);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(stateDir, Journal.JournalFileName)));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(stateDir, Journal.PlanFileName)));
        }
    }

    [Fact]
    public void A_record_is_readable_by_another_reader_as_soon_as_Append_returns_and_long_output_is_trimmed()
    {
        using var journal = Journal.Start(stateDir, FastPlan());
        journal.Append(new JournalRecord(DateTimeOffset.UnixEpoch, journal.Run, JournalRecord.StepResult, PhaseKind.Unbind, "unbind/node2/del-10.0.0.211", "node2",
            StepStatus.Failed, 1, new string('x', 100_000), "RTNETLINK answers: Operation not permitted"));
        var record = Assert.Single(Journal.ReadAll(stateDir));
        Assert.True(record.StdOut!.Length < Journal.MaxOutput + 100);
        Assert.Contains("characters left out", record.StdOut, StringComparison.Ordinal);
        Assert.Equal("RTNETLINK answers: Operation not permitted", record.StdErr);
    }

    [Fact]
    public void A_line_torn_by_a_crash_is_ignored_and_the_next_record_starts_on_a_new_line()
    {
        var plan = FastPlan();
        using (var journal = Journal.Start(stateDir, plan))
        {
            journal.Append(new JournalRecord(DateTimeOffset.UnixEpoch, journal.Run, JournalRecord.StepStart, PhaseKind.Contain, "contain/node2/stop-kube-proxy", "node2"));
        }
        File.AppendAllText(Path.Combine(stateDir, Journal.JournalFileName), "{\"time\":\"2026-11-25T09:00:00+00:00\",\"run\":\"ru");
        Assert.Single(Journal.ReadAll(stateDir));
        using (var journal = Journal.Resume(stateDir, Seed(), out _))
        {
            Assert.Equal("run-2", journal.Run);
            Assert.Contains("contain/node2/stop-kube-proxy", journal.UnfinishedBefore);
            journal.Append(new JournalRecord(DateTimeOffset.UnixEpoch, journal.Run, JournalRecord.RunStart));
        }
        Assert.Equal(2, Journal.ReadAll(stateDir).Count);
    }

    [Fact]
    public void A_state_directory_holding_a_recovery_is_not_started_again()
    {
        using (Journal.Start(stateDir, FastPlan())) { }
        var e = Assert.Throws<InvalidOperationException>(() => Journal.Start(stateDir, FastPlan()));
        Assert.Contains("--resume", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resume_after_a_crash_mid_phase_skips_what_was_done_finishes_and_a_third_run_is_a_no_op()
    {
        var atCrash = await CrashAtNode3sUnbindAsync();
        var before = Journal.ReadAll(crashDir);
        Assert.Contains(before, r => r.Event == JournalRecord.StepStart && r.Step == "unbind/node3/del-10.0.0.211");
        Assert.DoesNotContain(before, r => r.Event == JournalRecord.StepResult && r.Step == "unbind/node3/del-10.0.0.211");
        Assert.DoesNotContain(before, r => r.Event == JournalRecord.RunEnd);

        RunResult second;
        using (var journal = Journal.Resume(crashDir, Seed(), out var saved))
        {
            Assert.Contains("unbind/node3/del-10.0.0.211", journal.UnfinishedBefore);
            second = await new Runner(new RunnerOptions(crashDir), Seed(), Connect(atCrash)).RunAsync(saved, journal);
        }
        Assert.Equal(0, second.ExitCode);
        // Contain is checked again while Restore has not begun (a supervisor could have started kube-proxy meanwhile);
        // steps of other phases done before stay done.
        Assert.Equal("already done", second.Outcomes.Single(o => o.StepId == "contain/node3/stop-kube-proxy").Detail);
        Assert.Equal("done in an earlier run (journal)", second.Outcomes.Single(o => o.StepId == "unbind/node2/del-10.0.0.211").Detail);
        var interrupted = second.Outcomes.Single(o => o.StepId == "unbind/node3/del-10.0.0.211");
        Assert.Equal((StepStatus.Skipped, "already done"), (interrupted.Status, interrupted.Detail));
        Assert.Empty(atCrash.Violations);
        Assert.All(atCrash.Nodes.Values, n => Assert.DoesNotContain(Node1, n.Ipvs));
        Assert.All(atCrash.Nodes.Values, n => Assert.True(n.ProxyRunning));
        Assert.DoesNotContain(atCrash.Services, s => s.Name == "nginx-service");

        var commandsBefore = atCrash.Log.Count;
        RunResult third;
        using (var journal = Journal.Resume(crashDir, Seed(), out var saved))
        {
            Assert.Equal("run-3", journal.Run);
            third = await new Runner(new RunnerOptions(crashDir), Seed(), Connect(atCrash)).RunAsync(saved, journal);
        }
        Assert.Equal(0, third.ExitCode);
        Assert.All(third.Outcomes, o => Assert.Equal(StepStatus.Skipped, o.Status));
        Assert.Equal(commandsBefore, atCrash.Log.Count);
    }

    [Fact]
    public async Task A_kube_proxy_started_again_by_its_supervisor_before_the_resume_is_stopped_again_before_the_unbind()
    {
        var atCrash = await CrashAtNode3sUnbindAsync();
        // While nobody watched, node3's supervisor started kube-proxy again, and it bound the address again.
        atCrash.Nodes["node3"].ProxyRunning = true;
        atCrash.Nodes["node3"].Ipvs.Add(Node1);

        RunResult second;
        using (var journal = Journal.Resume(crashDir, Seed(), out var saved))
        {
            Assert.Contains("contain/node3/stop-kube-proxy", journal.DoneBefore);
            second = await new Runner(new RunnerOptions(crashDir), Seed(), Connect(atCrash)).RunAsync(saved, journal);
        }

        Assert.Equal(0, second.ExitCode);
        Assert.Equal(StepStatus.Done, second.Outcomes.Single(o => o.StepId == "contain/node3/stop-kube-proxy").Status);
        Assert.True(atCrash.Violations.Count == 0, string.Join("\n", atCrash.Violations));
        Assert.All(atCrash.Nodes.Values, n => Assert.DoesNotContain(Node1, n.Ipvs));
        Assert.All(atCrash.Nodes.Values, n => Assert.True(n.ProxyRunning, n.Name));
    }

    /// <summary>
    /// A run killed (-9) right after node3's address removal took effect, before its result reached the journal: the
    /// state directory as it is on disk at that instant (in crashDir), and the cluster as it is.
    /// </summary>
    private async Task<FakeCluster> CrashAtNode3sUnbindAsync()
    {
        var plan = FastPlan();
        var cluster = FakeCluster.Seed(Seed(), Node1);
        FakeCluster? atCrash = null;
        cluster.AfterCommand = (node, command) =>
        {
            if (atCrash is null && node == "node3" && command.StartsWith("ip addr del", StringComparison.Ordinal))
            {
                Directory.CreateDirectory(crashDir);
                foreach (var file in Directory.GetFiles(stateDir)) File.Copy(file, Path.Combine(crashDir, Path.GetFileName(file)));
                atCrash = cluster.Clone();
            }
        };
        using (var journal = Journal.Start(stateDir, plan))
        {
            await new Runner(new RunnerOptions(stateDir), Seed(), Connect(cluster)).RunAsync(plan, journal);
        }
        Assert.NotNull(atCrash);
        return atCrash;
    }
}
