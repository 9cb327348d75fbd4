using Recovery.Access;
using Recovery.Facts;
using Recovery.Inventory;
using Recovery.Kubernetes;
using Recovery.Planning;
using Recovery.State;
using Serilog;

namespace Recovery.Execution;

/// <summary>What a <see cref="Session"/> needs from its caller: the CLI supplies the surveys, the connections, the prompt and the rendering.</summary>
internal interface ISessionHost
{
    ClusterInventory Inventory { get; }

    ILogger Log { get; }

    /// <summary>At most this many nodes at once (--parallel).</summary>
    int Parallel { get; }

    /// <summary>Every step's progress line, not only each phase's (-v).</summary>
    bool Verbose { get; }

    Task<Survey> SurveyAsync(CancellationToken cancellationToken);

    /// <summary>The same nodes again, reusing the shells that answered; only <paramref name="changed"/> and the silent nodes are probed again.</summary>
    Task<Survey> RetakeAsync(Survey before, IReadOnlySet<string> changed, CancellationToken cancellationToken);

    /// <summary>A new connection: a local shell for this node, SSH for the others; throws when the node does not answer.</summary>
    Task<INodeShell> ConnectAsync(Node node, CancellationToken cancellationToken);

    /// <summary>Where a new run keeps its state (--state-dir, else a new folder); asked once, after the first confirmation.</summary>
    StateDirectory CreateState();

    /// <returns>null: EtcdFix steps and the --via auto fallback fail with an explanation.</returns>
    IEtcdServiceFixer? EtcdFixer(Func<Node, CancellationToken, Task<INodeShell>> connect);

    void Show(Plan plan);

    /// <returns>null to go on; otherwise the exit code to stop with (refused, or no terminal to ask on).</returns>
    int? Confirm();

    void Report(RunResult result, Plan plan, string stateDir);
}
