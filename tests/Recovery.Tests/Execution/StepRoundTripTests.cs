using Recovery.Access;
using Recovery.Commands;
using Recovery.Execution;
using Recovery.Inventory;
using Recovery.Planning;
using static Recovery.Tests.Planning.Cluster;

namespace Recovery.Tests.Execution;

/// <summary>
/// A step that acts takes two round trips (issue 14): its check, then its commands with its verify's first try read
/// after them. Where that second one's results cannot be read back, the step fails saying its commands may have run.
/// </summary>
public sealed class StepRoundTripTests
{
    private async Task<(StepOutcome Outcome, Node2 Node)> RunAsync(bool readable)
    {
        var step = new Step("contain/node2/stop-kube-proxy", "node2", "stop kube-proxy", new RunCommands([new UnitStop("kube-proxy")]),
            Check: Probes.UnitInactive("kube-proxy"), Verify: Verification.Within(Probes.UnitInactive("kube-proxy"), TimeSpan.FromSeconds(3)));
        var node = new Node2(Seed().FindByName("node2")!, readable);
        return ((await ShellDouble.RunPhaseAsync(PhaseKind.Contain, [step], node)).Outcomes.Single(), node);
    }

    [Fact]
    public async Task The_check_then_the_commands_and_the_verify_in_one()
    {
        var (outcome, node) = await RunAsync(readable: true);

        Assert.Equal(StepStatus.Done, outcome.Status);
        Assert.Equal(["systemctl is-active --quiet kube-proxy", "batch: systemctl stop kube-proxy; systemctl is-active --quiet kube-proxy"], node.Trips);
    }

    [Fact]
    public async Task Results_that_cannot_be_read_back_fail_the_step_and_say_it_may_have_acted()
    {
        var (outcome, _) = await RunAsync(readable: false);

        Assert.Equal(StepStatus.Failed, outcome.Status);
        Assert.Contains("could not be read back from node2: they may have run", outcome.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_seed_recovery_sends_each_node_about_half_as_many_round_trips_as_commands()
    {
        var cluster = FakeCluster.Seed(Seed(), Node1);
        var stateDir = Directory.CreateTempSubdirectory("kr-roundtrip-").FullName;
        try
        {
            Assert.Equal(ExitCodes.Done, (await cluster.RecoverSeedAsync(stateDir)).ExitCode);
        }
        finally
        {
            Directory.Delete(stateDir, recursive: true);
        }

        // One round trip per command was the cost before: a step's check, each command, each verify try.
        foreach (var (node, (trips, commands)) in cluster.Traffic)
        {
            Assert.True(trips * 2 <= commands + 4, $"{node}: {trips} round trips for {commands} commands");
        }
    }

    /// <summary>node2 with kube-proxy running until it is stopped; its batches give no readable result unless <paramref name="readable"/>.</summary>
    private sealed class Node2(Node node, bool readable) : ShellDouble(node)
    {
        private bool stopped;

        public List<string> Trips { get; } = [];

        private CommandResult Run(ShellCommand command)
        {
            if (command.Render() == "systemctl stop kube-proxy") stopped = true;
            return new CommandResult(command.Render().StartsWith("systemctl is-active", StringComparison.Ordinal) && stopped ? 3 : 0, "", "", TimeSpan.Zero);
        }

        public override Task<CommandResult> RunAsync(ShellCommand command, TimeSpan timeout, CancellationToken cancellationToken = default)
        {
            Trips.Add(command.Render());
            return Task.FromResult(Run(command));
        }

        public override Task<IReadOnlyList<CommandResult>?> RunEachAsync(IReadOnlyList<ShellCommand> commands, TimeSpan timeout, int mustSucceed = 0, CancellationToken cancellationToken = default)
        {
            Trips.Add("batch: " + string.Join("; ", commands.Select(c => c.Render())));
            var results = commands.Select(Run).ToList();
            return Task.FromResult<IReadOnlyList<CommandResult>?>(readable ? results : null);
        }
    }
}
