using Recovery.Access;
using Recovery.Execution;
using Recovery.Inventory;
using Recovery.Planning;
using Recovery.Tests.Planning;
using static Recovery.Tests.Planning.TwoNodeNamespaces;

namespace Recovery.Tests.Execution;

/// <summary>
/// The Runner executing the Planner's steps with real iproute2 and kernel routing in two network namespaces
/// (<see cref="TwoNodeNamespaces"/>), through a shell that runs each rendered command with `ip netns exec NS bash -c`.
/// That shell is a test double of the product's LocalShell/SshShell (which others build), and `systemctl` a stand-in;
/// the probes' expectations are checked against real `ip` output. Runs the phases before the Service fix.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class RunnerInNamespaceTests : IDisposable
{
    private readonly string stateDir = Path.Combine(Path.GetTempPath(), $"kr-runner-ns-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(stateDir)) Directory.Delete(stateDir, recursive: true);
    }

    [SkippableFact]
    public async Task Runner_unbinds_restores_the_owners_route_verifies_reach_and_a_second_run_only_checks()
    {
        Skip.IfNot(Possible, "needs root for network namespaces");
        using var lab = new TwoNodeNamespaces();
        Skip.IfNot(lab.Create(), "ip netns add is not permitted here");
        var (inventory, full) = ScriptInNamespaceTests.TwoNodePlan();
        var plan = full with { Phases = full.Phases.Where(p => p.Kind <= PhaseKind.VerifyReach).ToList() };
        var namespaces = new Dictionary<string, string> { ["node1"] = lab.Node1, ["node2"] = lab.Node2 };
        var units = new Dictionary<string, string> { ["node1"] = lab.Units("node1"), ["node2"] = lab.Units("node2") };
        Task<INodeShell> Connect(Node node, CancellationToken _) =>
            Task.FromResult<INodeShell>(new NamespaceShell(node, namespaces[node.Name], lab, units[node.Name]));

        RunResult first;
        using (var journal = Journal.Start(stateDir, plan))
        {
            first = await new Runner(new RunnerOptions(stateDir), inventory, Connect).RunAsync(plan, journal);
        }
        Assert.True(first.ExitCode == 0, RunReport.Table(first));
        Assert.Equal(StepStatus.Done, first.Outcomes.Single(o => o.StepId == "unbind/node1/local-route-10.0.0.211").Status);
        Assert.Equal(StepStatus.Done, first.Outcomes.Single(o => o.StepId == "reach/node2/route-node1").Status);
        Assert.Equal(StepStatus.Skipped, first.Outcomes.Single(o => o.StepId == "unbind/node2/ipset-10.0.0.211").Status);
        foreach (var ns in namespaces.Values)
        {
            var ipvs = Must("ip", "-n", ns, "-o", "addr", "show", "dev", "kube-ipvs0");
            Assert.DoesNotContain("10.0.0.211", ipvs, StringComparison.Ordinal);
            Assert.Contains("10.96.0.1/32", ipvs, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("local", Must("ip", "-n", lab.Node2, "route", "get", "10.0.0.211"), StringComparison.Ordinal);
        Assert.Contains("local 10.0.0.211 dev eth0", Must("ip", "-n", lab.Node1, "route", "show", "table", "local"), StringComparison.Ordinal);
        Assert.Contains("kube-ipvs0", File.ReadAllText(Path.Combine(stateDir, "node2.addresses.before.txt")), StringComparison.Ordinal);
        // Contain recorded each stop on its node, by the real script (sh, date, sync, mv): a later run owes both a start.
        foreach (var node in namespaces.Keys)
        {
            var marker = Recovery.Facts.StopMarker.Parse(File.ReadAllText(Path.Combine(lab.VarDir(node), "stopped", "kube-proxy")));
            Assert.True(marker is { Manager: KubeProxyManager.Systemd, Unit: not null, StoppedAt: not null }, node);
            Assert.Empty(Directory.GetFiles(Path.Combine(lab.VarDir(node), "stopped"), "*.tmp"));
        }

        // A fresh run of the same plan (new state directory): every mutating step finds its postcondition holding.
        var again = Path.Combine(stateDir, "again");
        using (var journal = Journal.Start(again, plan))
        {
            var second = await new Runner(new RunnerOptions(again), inventory, Connect).RunAsync(plan, journal);
            Assert.Equal(0, second.ExitCode);
            Assert.All(second.Outcomes.Where(o => o.Phase is PhaseKind.Contain or PhaseKind.Unbind), o => Assert.Equal(StepStatus.Skipped, o.Status));
        }
    }

    /// <summary>Runs each command as `ip netns exec NS timeout N bash -c 'COMMAND'` with the systemctl stand-in first on PATH.</summary>
    private sealed class NamespaceShell(Node node, string ns, TwoNodeNamespaces lab, string units) : INodeShell
    {
        public Node Node => node;
        public bool IsLocal => node.Name == "node2";

        public string Way => $"network namespace {ns}";

        public Task<CommandResult> RunAsync(ShellCommand command, TimeSpan timeout, CancellationToken cancellationToken = default)
        {
            var env = new Dictionary<string, string> { ["PATH"] = $"{lab.StandIns}:/usr/sbin:/usr/bin:/sbin:/bin", ["UNITS"] = units };
            var started = System.Diagnostics.Stopwatch.StartNew();
            var (code, stdout, stderr) = Run(env, lab.Exec(node.Name, ns, "timeout", ((int)timeout.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture), "bash", "-c", command.Render()));
            return Task.FromResult(new CommandResult(code, stdout, stderr, started.Elapsed));
        }

        public Task<byte[]> ReadFileAsync(string path, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("the runner reads no files from nodes");

        public Task<INodeTunnel> OpenTunnelAsync(string host, int port, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("the runner opens no tunnels");

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
