using Recovery.Access;
using Recovery.Execution;
using Recovery.Facts;
using Recovery.Inventory;
using Recovery.Kubernetes;
using Recovery.Planning;
using Recovery.State;
using Recovery.Tests.Planning;
using Serilog;
using static Recovery.Tests.Planning.Cluster;

namespace Recovery.Tests.Execution;

/// <summary>The one recovery loop: --resume finishes the stage that stopped before anything else.</summary>
public sealed class SessionTests : IDisposable
{
    private readonly string stateDir = Path.Combine(Path.GetTempPath(), $"kr-session-{Guid.NewGuid():N}");
    private static readonly RecoveryIntent FastIntent = Intent() with { SyncPeriod = TimeSpan.FromMilliseconds(100) };
    private static readonly PlanRequest Request = new([Node1], null, FixAction.Delete, FixPath.Kubectl, TimeSpan.FromMilliseconds(100));

    public void Dispose()
    {
        if (Directory.Exists(stateDir)) Directory.Delete(stateDir, recursive: true);
    }

    private static Plan SeedPlan() => Planner.Create(Seed(), SeedFacts(), FastIntent, "node2", Created);

    [Fact]
    public async Task Resume_of_the_whole_recovery_runs_it_to_the_end_without_a_new_survey()
    {
        var cluster = FakeCluster.Seed(Seed(), Node1);
        Journal.Start(stateDir, SeedPlan()).Dispose();
        var host = new Host(cluster);

        var exit = await new Session(host, Request).RunAsync(new SessionStart.Resume(StateDirectory.Open(stateDir)), CancellationToken.None);

        Assert.Equal(ExitCodes.Done, exit);
        Assert.Equal(0, host.Surveys);
        Assert.Equal([stateDir], host.Reported);
        Assert.True(cluster.Violations.Count == 0, string.Join("\n", cluster.Violations));
        Assert.All(cluster.Nodes.Values, n => Assert.DoesNotContain(Node1, n.Ipvs));
        Assert.All(cluster.Nodes.Values, n => Assert.True(n.ProxyRunning, n.Name));
    }

    [Fact]
    public async Task Resume_of_stage_1_finishes_it_in_its_own_folder_then_surveys_to_plan_the_rest()
    {
        var cluster = FakeCluster.Seed(Seed(), Node1);
        var stageDir = Path.Combine(stateDir, LocalFirst.StateSubdirectory);
        var stage = LocalFirst.Restrict(SeedPlan(), "node2");
        Assert.False(stage.Complete);
        Journal.Start(stageDir, stage).Dispose();
        var host = new Host(cluster);

        // The fake survey stops the session: what matters is that stage 1 ran first, and whole.
        await Assert.ThrowsAsync<SurveyedException>(() => new Session(host, Request).RunAsync(new SessionStart.Resume(StateDirectory.Open(stateDir)), CancellationToken.None));

        Assert.Equal(1, host.Surveys);
        // A first stage that went well is not reported on its own: the one report comes at the end.
        Assert.Empty(host.Reported);
        Assert.Equal(ExitCodes.Done, Journal.ReadAll(stageDir)[^1].ExitCode);
        Assert.DoesNotContain(Node1, cluster.Nodes["node2"].Ipvs);
        Assert.False(File.Exists(Path.Combine(stateDir, Journal.PlanFileName)));
    }

    [Fact]
    public void A_local_first_plan_says_it_is_not_the_whole_recovery_and_keeps_a_full_plan_file_unchanged()
    {
        var plan = SeedPlan();
        Assert.True(plan.Complete);
        Assert.DoesNotContain("\n  \"scope\": ", PlanJson.Write(plan), StringComparison.Ordinal);
        Assert.Contains("\n  \"scope\": \"LocalFirst\"", PlanJson.Write(LocalFirst.Restrict(plan, "node2")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, ExitCodes.Done)]
    [InlineData(true, ExitCodes.Failed)]
    public async Task Nothing_to_do_among_the_nodes_seen_is_done_only_when_every_node_was_seen(bool node3Silent, int expected)
    {
        // No address is bound anywhere (iptables mode): the plan is empty. With node3 silent, that says nothing about node3.
        var inventory = Recovery.Tests.Facts.Scenario.Inventory();
        var shells = inventory.Nodes.Select(n => node3Silent && n.Name == "node3"
            ? new NodeResult<INodeShell>(n, null, new NodeConnectException("node3", "no SSH answer from node3 at 10.77.0.13 within 10 s"), TimeSpan.Zero)
            : new NodeResult<INodeShell>(n, new Recovery.Tests.Facts.FixtureShell(n, Recovery.Tests.Facts.Scenario.Answers(inventory, "not-ipvs", n), n.Name == "node2"), null, TimeSpan.Zero)).ToList();
        var host = new Host(FakeCluster.Seed(Seed(), Node1),
            () => Survey.FromShellsAsync(inventory, new LocalNode(inventory.FindByName("node2"), "test", []), shells, 16, null, default));

        // No --ip: the addresses come from what the survey saw, and it saw none hijacked.
        var exit = await new Session(host, Request with { Addresses = [] }).RunAsync(new SessionStart.Fresh(), CancellationToken.None);

        Assert.Equal(expected, exit);
        Assert.Equal(1, host.Surveys);
        Assert.True(host.Shown?.IsEmpty, "the plan shown is empty");
        Assert.Empty(host.Reported);
    }

    [Fact]
    public async Task At_an_owners_console_nothing_else_answers_and_no_sign_of_the_claim_the_hand_off_spells_out_the_changes_for_its_own_address()
    {
        // node1's kube-proxy never bound its own address (the newer rule), no API answered, node2 and node3 are silent:
        // nothing shows the address, and this is how node1 looks when its own address is the hijacked one.
        var inventory = Recovery.Tests.Facts.Scenario.Inventory();
        var shells = inventory.Nodes.Select(n => n.Name != "node1"
            ? new NodeResult<INodeShell>(n, null, new NodeConnectException(n.Name, $"no SSH answer from {n.Name} within 10 s; IPv6 is off on eth0"), TimeSpan.Zero)
            : new NodeResult<INodeShell>(n, new Recovery.Tests.Facts.FixtureShell(n, Recovery.Tests.Facts.Scenario.Answers(inventory, "newer", n), isLocal: true), null, TimeSpan.Zero)).ToList();
        var host = new Host(FakeCluster.Seed(Seed(), Node1),
            () => Survey.FromShellsAsync(inventory, new LocalNode(inventory.FindByName("node1"), "test", []), shells, 16, null, default));

        var exit = await new Session(host, Request with { Addresses = [] }).RunAsync(new SessionStart.Fresh(), CancellationToken.None);

        Assert.Equal(ExitCodes.StoppedPartway, exit);
        Assert.Null(host.Shown);
        var text = string.Join("\n", host.Logged);
        Assert.Contains("Nothing was changed on any node.", host.Logged);
        Assert.Contains("these are the changes for 10.77.0.11;", text, StringComparison.Ordinal);
        Assert.Contains("    at node2's console:", host.Logged);
        Assert.Contains("      ip addr del 10.77.0.11/32 dev kube-ipvs0    # after that stop, where kube-ipvs0 holds it", host.Logged);
    }

    private sealed class SurveyedException() : Exception("surveyed");

    /// <summary>Every rendered log line, for what a session says at the console.</summary>
    private sealed class ListSink(List<string> lines) : Serilog.Core.ILogEventSink
    {
        public void Emit(Serilog.Events.LogEvent logEvent)
        {
            lock (lines) lines.Add(logEvent.RenderMessage(System.Globalization.CultureInfo.InvariantCulture).Trim('"'));
        }
    }

    private sealed class Host(FakeCluster cluster, Func<Task<Survey>>? survey = null) : ISessionHost
    {
        public int Surveys { get; private set; }

        public Plan? Shown { get; private set; }

        public List<string> Reported { get; } = [];

        public ClusterInventory Inventory { get; } = Seed(new KubeProxySpec(KubeProxyManager.Systemd));

        public List<string> Logged { get; } = [];

        public ILogger Log => _log ??= new LoggerConfiguration().WriteTo.Sink(new ListSink(Logged)).CreateLogger();

        private ILogger? _log;

        public int Parallel => 2;

        public bool Verbose => true;

        public Task<Survey> SurveyAsync(CancellationToken cancellationToken)
        {
            Surveys++;
            return survey is null ? throw new SurveyedException() : survey();
        }

        public Task<Survey> RetakeAsync(Survey before, IReadOnlySet<string> changed, CancellationToken cancellationToken) => throw new SurveyedException();

        public Task<INodeShell> ConnectAsync(Node node, CancellationToken cancellationToken) =>
            Task.FromResult<INodeShell>(new FakeShell(cluster, node, node.Name == "node2"));

        public StateDirectory CreateState() => throw new InvalidOperationException("a resumed session has its state directory");

        public IEtcdServiceFixer? EtcdFixer(Func<Node, CancellationToken, Task<INodeShell>> connect) => null;

        public void Show(Plan plan) => Shown = plan;

        public int? Confirm() => null;

        public void Report(RunResult result, Plan plan, string stateDir) => Reported.Add(stateDir);
    }
}
