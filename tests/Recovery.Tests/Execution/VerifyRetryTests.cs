using Recovery.Access;
using Recovery.Commands;
using Recovery.Execution;
using Recovery.Inventory;
using Recovery.Planning;
using static Recovery.Tests.Planning.Cluster;

namespace Recovery.Tests.Execution;

/// <summary>
/// A verify that does not hold at once is tried again within its first second several times, not only after a whole
/// interval: a started kube-proxy's first sync, 0.25 s after its start, was seen a second late (issue 14).
/// </summary>
public sealed class VerifyRetryTests
{
    [Fact]
    public void The_first_second_is_tried_every_200_ms_then_every_interval()
    {
        var verify = Verification.Within(Probe.Succeeds(new UnitActive("kube-proxy.service")), TimeSpan.FromSeconds(30));

        Assert.Equal(TimeSpan.FromMilliseconds(200), verify.PauseAfter(TimeSpan.Zero));
        Assert.Equal(TimeSpan.FromMilliseconds(200), verify.PauseAfter(TimeSpan.FromMilliseconds(900)));
        Assert.Equal(TimeSpan.FromSeconds(1), verify.PauseAfter(TimeSpan.FromSeconds(1)));
        Assert.Equal(TimeSpan.FromSeconds(1), verify.PauseAfter(TimeSpan.FromSeconds(20)));
        // An interval already shorter than the quick one stays as the plan says.
        Assert.Equal(TimeSpan.FromMilliseconds(50), (verify with { Interval = TimeSpan.FromMilliseconds(50) }).PauseAfter(TimeSpan.Zero));
    }

    [Fact]
    public async Task A_verify_that_holds_on_its_third_try_passes_within_a_budget_shorter_than_two_intervals()
    {
        // With only whole 1 s intervals the third try would come at 2 s, past the 1.5 s budget: the step would fail.
        var probe = Probe.Succeeds(new UnitActive("kube-proxy.service"));
        var step = new Step("restore/node2/start-kube-proxy", "node2", "start kube-proxy", new RunCommands([]),
            Verify: new Verification(probe, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(1)));
        var shell = new HoldsOnTry(Seed().FindByName("node2")!, probe.Command.ToShell().Render(), 3);

        var result = await ShellDouble.RunPhaseAsync(PhaseKind.Restore, [step], shell);

        Assert.Equal(StepStatus.Done, result.Outcomes.Single().Status);
        Assert.Equal(3, shell.Tries);
    }

    /// <summary>A node where the probe fails until its Nth try.</summary>
    private sealed class HoldsOnTry(Node node, string probe, int holdsOn) : ShellDouble(node)
    {
        public int Tries { get; private set; }

        public override Task<CommandResult> RunAsync(ShellCommand command, TimeSpan timeout, CancellationToken cancellationToken = default)
        {
            if (command.Render() != probe) return Task.FromResult(new CommandResult(0, "", "", TimeSpan.Zero));
            Tries++;
            return Task.FromResult(new CommandResult(Tries >= holdsOn ? 0 : 3, "", "", TimeSpan.Zero));
        }
    }
}
