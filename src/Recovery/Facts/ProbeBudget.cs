namespace Recovery.Facts;

/// <summary>
/// The time limits of reading one node, in one place. A node in the middle of the incident is busy (kubelets and
/// controllers retry against an API they cannot reach), so a command that runs out of <see cref="Command"/> is run
/// once more with <see cref="Retry"/> before its fact counts as unknown; and at most <see cref="MaxConcurrentCommands"/>
/// run on a node at once, so the probe does not add much to that load.
/// </summary>
/// <param name="Command">First limit of each probe command.</param>
/// <param name="Retry">Limit of the second try of a command that timed out.</param>
/// <param name="ConnectSeconds">How long a TCP check waits for a connection at first.</param>
/// <param name="RetryConnectSeconds">How long the second try of a TCP check that got no answer waits.</param>
/// <param name="MaxConcurrentCommands">Commands in flight on one node at once (OpenSSH's MaxSessions allows 10 channels per connection).</param>
internal sealed record ProbeBudget(TimeSpan Command, TimeSpan Retry, int ConnectSeconds, int RetryConnectSeconds, int MaxConcurrentCommands)
{
    public static ProbeBudget Default { get; } = new(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30), 3, 6, 4);
}
