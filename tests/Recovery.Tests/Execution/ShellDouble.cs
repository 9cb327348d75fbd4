using Recovery.Access;
using Recovery.Execution;
using Recovery.Inventory;
using Recovery.Planning;
using static Recovery.Tests.Planning.Cluster;

namespace Recovery.Tests.Execution;

/// <summary>The console of a runner test: a node whose commands the test answers (one by one unless it says otherwise); no files, no tunnels.</summary>
internal abstract class ShellDouble(Node node) : INodeShell
{
    public Node Node => node;

    public bool IsLocal => true;

    public string Way => "this console";

    public abstract Task<CommandResult> RunAsync(ShellCommand command, TimeSpan timeout, CancellationToken cancellationToken = default);

    public virtual Task<IReadOnlyList<CommandResult>?> RunEachAsync(IReadOnlyList<ShellCommand> commands, TimeSpan timeout, int mustSucceed = 0, CancellationToken cancellationToken = default) =>
        CommandBatch.OneByOneAsync(commands, mustSucceed, command => RunAsync(command, timeout, cancellationToken));

    public Task<byte[]> ReadFileAsync(string path, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<INodeTunnel> OpenTunnelAsync(string host, int port, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>
    /// Runs <paramref name="steps"/> as the one phase of a plan made at node2's console, every node answering through
    /// <paramref name="shell"/>, with a state directory of its own that is gone afterwards.
    /// </summary>
    public static async Task<RunResult> RunPhaseAsync(PhaseKind phase, IReadOnlyList<Step> steps, INodeShell shell)
    {
        var plan = new Plan(Plan.CurrentApiVersion, Plan.PlanKind, Created, "node2", Intent(), "", [new Phase(phase, phase.ToString(), steps)], [], []);
        var stateDir = Directory.CreateTempSubdirectory("kr-phase-").FullName;
        try
        {
            using var journal = Journal.Start(stateDir, plan);
            var runner = new Runner(new RunnerOptions(stateDir), Seed(), (_, _) => Task.FromResult(shell));
            return await runner.RunAsync(plan, journal);
        }
        finally
        {
            Directory.Delete(stateDir, recursive: true);
        }
    }
}
