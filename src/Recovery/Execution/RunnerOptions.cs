using Recovery.Access;

namespace Recovery.Execution;

/// <param name="StateDir">Where the journal, plan.json and saved outputs go.</param>
/// <param name="Parallel">At most this many nodes at once within a phase (--parallel).</param>
/// <param name="CommandTimeout">Limit for each command on a node (the shell runs it under `timeout`).</param>
internal sealed record RunnerOptions(string StateDir, int Parallel = Fanout.DefaultParallel, TimeSpan? CommandTimeout = null)
{
    public TimeSpan Timeout => CommandTimeout ?? TimeSpan.FromSeconds(60);
}
