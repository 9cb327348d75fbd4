using Recovery.Access;
using Recovery.Commands;
using Recovery.Execution;
using Recovery.Inventory;
using Recovery.Planning;
using static Recovery.Tests.Planning.Cluster;

namespace Recovery.Tests.Execution;

/// <summary>
/// A node's steps that only read have their first try read in one round trip (issue 14), and a result read before an
/// earlier check held is never used: the unbound check read before kube-proxy synced proves nothing.
/// </summary>
public sealed class ReadAheadTests
{
    private static readonly Probe Synced = Probe.Succeeds(new UnitActive("kube-proxy.service"));
    private static readonly Probe Unbound = Probes.NotOnIpvsInterface(Node1);
    private static readonly Probe Running = Probe.Succeeds(new UnitActive("kubelet.service"));

    private async Task<(RunResult Result, Node2 Node)> RunAsync(int syncedOnTry)
    {
        var steps = new[] { ("synced", Synced), ("unbound", Unbound), ("running", Running) }
            .Select(s => new Step($"verify/node2/{s.Item1}", "node2", s.Item1, new RunCommands([]), Verify: Verification.Within(s.Item2, TimeSpan.FromSeconds(3))))
            .ToList();
        var node = new Node2(Seed().FindByName("node2")!, syncedOnTry);
        return (await ShellDouble.RunPhaseAsync(PhaseKind.Verify, steps, node), node);
    }

    [Fact]
    public async Task Checks_that_hold_at_once_take_one_round_trip()
    {
        var (result, node) = await RunAsync(syncedOnTry: 1);

        Assert.All(result.Outcomes, o => Assert.Equal(StepStatus.Done, o.Status));
        Assert.Equal(1, node.Batches);
        Assert.Equal(0, node.Singles);
    }

    [Fact]
    public async Task What_was_read_before_an_earlier_check_held_is_read_again()
    {
        // Here the address is off kube-ipvs0 until kube-proxy syncs, and bound again once it has: read ahead, the
        // unbound check would have held; read after the sync, as it must be, it fails.
        var (result, node) = await RunAsync(syncedOnTry: 2);

        Assert.Equal(StepStatus.Done, result.Outcomes.Single(o => o.StepId == "verify/node2/synced").Status);
        Assert.Equal(StepStatus.Failed, result.Outcomes.Single(o => o.StepId == "verify/node2/unbound").Status);
        Assert.Equal(2, node.Batches); // all three, then the two after the sync
    }

    /// <summary>node2, whose kube-proxy syncs on the Nth read of its gauge and binds the address again when it does.</summary>
    private sealed class Node2(Node node, int syncedOnTry) : ShellDouble(node)
    {
        private int syncReads;

        public int Batches { get; private set; }

        public int Singles { get; private set; }

        private CommandResult Read(ShellCommand command)
        {
            var text = command.Render();
            if (text == Synced.Command.ToShell().Render()) return new CommandResult(++syncReads >= syncedOnTry ? 0 : 3, "", "", TimeSpan.Zero);
            var bound = syncReads >= syncedOnTry && syncedOnTry > 1;
            if (text == Unbound.Command.ToShell().Render()) return new CommandResult(0, bound ? $"9: kube-ipvs0    inet {Node1}/32 scope global kube-ipvs0" : "", "", TimeSpan.Zero);
            return new CommandResult(0, "", "", TimeSpan.Zero);
        }

        public override Task<CommandResult> RunAsync(ShellCommand command, TimeSpan timeout, CancellationToken cancellationToken = default)
        {
            Singles++;
            return Task.FromResult(Read(command));
        }

        public override Task<IReadOnlyList<CommandResult>?> RunEachAsync(IReadOnlyList<ShellCommand> commands, TimeSpan timeout, int mustSucceed = 0, CancellationToken cancellationToken = default)
        {
            Batches++;
            return Task.FromResult<IReadOnlyList<CommandResult>?>([.. commands.Select(Read)]);
        }
    }
}
