using Recovery.Access;
using Recovery.Kubernetes;

namespace Recovery.Facts;

/// <summary>The claims read through kubectl, where they came from, and why other nodes could not answer.</summary>
/// <param name="ApiNode">The node whose kubectl answered (an API server with a quorum behind it), null when etcd or nothing did.</param>
internal sealed record ClaimsResult(IReadOnlyList<ServiceClaim> Claims, string? Source, IReadOnlyList<string> Failures, string? ApiNode = null)
{
    /// <summary>Some API server answered; when false, <see cref="Claims"/> is empty because nothing could be asked.</summary>
    public bool Answered => Source is not null;
}

/// <summary>
/// Asks an API server which Services claim addresses, through kubectl on a node: the local node first, then the
/// control-plane nodes, each only if its facts show kubectl and a kubeconfig; a node cut off by the hijack
/// (<see cref="CutOff"/>) after all of them. Read-only. kubectl 1.20 prints an empty
/// List on stdout even when the connection is refused, so only exit 0 counts as an answer.
/// The next candidate starts when the one before fails or has not answered within <see cref="HedgeDelay"/>: an API
/// server cut off by the lockout hangs until the timeout (seen: 11 s of a 42 s lab recovery), while any API server
/// that answers serves the same quorum read of etcd. The first answer wins; the others are cancelled.
/// </summary>
internal static class ServiceClaimsLookup
{
    public static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(15);

    /// <param name="program">kubectl where PATH has none (RKE2); null: `kubectl`.</param>
    public static ShellCommand Command(string kubeconfig, string? program = null) =>
        ShellCommand.Of(program ?? Kubernetes.KubectlProgram.OnPath, "--kubeconfig", kubeconfig, "--request-timeout=5s", "get", "services", "-A", "-o", "json");

    /// <summary>
    /// How long a candidate has to answer before the next one starts as well. A list of Services answers in well under a
    /// second from a serving API server, also on the lab's loaded nodes; right after the lockout the local one often
    /// waits on its etcd's election, and at 3 s that wait was most of a 3-node survey (bench, 2026-12-07).
    /// </summary>
    public static readonly TimeSpan HedgeDelay = TimeSpan.FromSeconds(1.5);

    /// <param name="watched">node and protected addresses: a ClusterIP equal to one is a claim as well.</param>
    public static async Task<ClaimsResult> ReadAsync(IReadOnlyList<(INodeShell Shell, NodeFacts Facts)> nodes, CancellationToken cancellationToken = default, IReadOnlyCollection<System.Net.IPAddress>? watched = null)
    {
        var failures = new List<string>();
        var candidates = nodes
            .Where(n => n.Facts.Kubectl is { Installed: true, KubeconfigPath: not null })
            .OrderBy(n => CutOff(n.Shell.Node, nodes) ? 1 : 0)
            .ThenBy(n => n.Shell.IsLocal ? 0 : n.Shell.Node.IsControlPlane ? 1 : 2)
            .ToList();
        using var losers = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var running = new List<Task<(ClaimsResult? Answer, string? Failure)>>();
        var next = 0;
        try
        {
            while (next < candidates.Count || running.Count > 0)
            {
                if (running.Count == 0) running.Add(AskAsync(candidates[next++], watched ?? [], losers.Token));
                using var tick = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var hedge = Task.Delay(next < candidates.Count ? HedgeDelay : Timeout.InfiniteTimeSpan, tick.Token);
                var done = await Task.WhenAny([.. running, hedge]).ConfigureAwait(false);
                await tick.CancelAsync().ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                if (done == hedge)
                {
                    running.Add(AskAsync(candidates[next++], watched ?? [], losers.Token));
                    continue;
                }
                var finished = (Task<(ClaimsResult? Answer, string? Failure)>)done;
                running.Remove(finished);
                var (answer, failure) = await finished.ConfigureAwait(false);
                if (answer is not null) return answer with { Failures = failures };
                failures.Add(failure!);
                if (next < candidates.Count) running.Add(AskAsync(candidates[next++], watched ?? [], losers.Token));
            }
        }
        finally
        {
            // Candidates still asking lost the race: stop them (their remote commands are ended too).
            await losers.CancelAsync().ConfigureAwait(false);
            try
            {
                await Task.WhenAll(running).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
        if (failures.Count == 0) failures.Add("no node has both kubectl and a kubeconfig");
        return new ClaimsResult([], null, failures);
    }

    /// <summary>
    /// Whether another node holds this node's address on kube-ipvs0 or routes it locally: its replies to that node stay
    /// there, so its etcd member is cut off from that peer and its API server hangs on a quorum read (the lockout's
    /// owner). Asked before the others, it cost a whole hedge delay of every locked-out survey (bench, 2026-12-07).
    /// </summary>
    private static bool CutOff(Inventory.Node node, IReadOnlyList<(INodeShell Shell, NodeFacts Facts)> nodes) =>
        nodes.Any(o => o.Shell.Node.Name != node.Name && o.Facts.Hijacks(node.Address));

    private static async Task<(ClaimsResult? Answer, string? Failure)> AskAsync((INodeShell Shell, NodeFacts Facts) node, IReadOnlyCollection<System.Net.IPAddress> watched, CancellationToken cancellationToken)
    {
        var (shell, facts) = node;
        var source = $"kubectl on {shell.Node.Name}";
        try
        {
            var result = await shell.RunAsync(Command(facts.Kubectl.KubeconfigPath!, facts.Kubectl.Program), CommandTimeout, cancellationToken).ConfigureAwait(false);
            if (!result.Succeeded) return (null, $"{source}: {(result.TimedOut ? "timed out" : FirstLine(result.StdErr) ?? $"exit {result.ExitCode}")}");
            return (new ClaimsResult(KubectlServiceClaims.Parse(result.StdOut, source, watched), source, [], shell.Node.Name), null);
        }
        catch (FormatException e)
        {
            return (null, $"{source}: {e.Message}");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return (null, $"{source}: {e.Message}");
        }
    }

    private static string? FirstLine(string text) =>
        text.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0);
}
