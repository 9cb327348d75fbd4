using Recovery.Access;
using Recovery.Facts;

namespace Recovery.Diagnosis;

/// <summary>The claims read through kubectl, where they came from, and why other nodes could not answer.</summary>
public sealed record ClaimsResult(IReadOnlyList<ServiceClaim> Claims, string? Source, IReadOnlyList<string> Failures)
{
    /// <summary>Some API server answered; when false, <see cref="Claims"/> is empty because nothing could be asked.</summary>
    public bool Answered => Source is not null;
}

/// <summary>
/// Asks an API server which Services claim addresses, through kubectl on a node: the local node first, then the
/// control-plane nodes, each only if its facts show kubectl and a kubeconfig. Read-only. kubectl 1.20 prints an empty
/// List on stdout even when the connection is refused, so only exit 0 counts as an answer.
/// </summary>
public static class ServiceClaimsLookup
{
    public static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(15);

    public static ShellCommand Command(string kubeconfig) =>
        ShellCommand.Of("kubectl", "--kubeconfig", kubeconfig, "--request-timeout=5s", "get", "services", "-A", "-o", "json");

    public static async Task<ClaimsResult> ReadAsync(IReadOnlyList<(INodeShell Shell, NodeFacts Facts)> nodes, CancellationToken cancellationToken = default)
    {
        var failures = new List<string>();
        var candidates = nodes
            .Where(n => n.Facts.Kubectl is { Installed: true, KubeconfigPath: not null })
            .OrderBy(n => n.Shell.IsLocal ? 0 : n.Shell.Node.IsControlPlane ? 1 : 2);
        foreach (var (shell, facts) in candidates)
        {
            var source = $"kubectl on {shell.Node.Name}";
            try
            {
                var result = await shell.RunAsync(Command(facts.Kubectl.KubeconfigPath!), CommandTimeout, cancellationToken).ConfigureAwait(false);
                if (!result.Succeeded)
                {
                    failures.Add($"{source}: {(result.TimedOut ? "timed out" : FirstLine(result.StdErr) ?? $"exit {result.ExitCode}")}");
                    continue;
                }
                return new ClaimsResult(KubectlServiceClaims.Parse(result.StdOut, source), source, failures);
            }
            catch (FormatException e)
            {
                failures.Add($"{source}: {e.Message}");
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failures.Add($"{source}: {e.Message}");
            }
        }
        if (failures.Count == 0) failures.Add("no node has both kubectl and a kubeconfig");
        return new ClaimsResult([], null, failures);
    }

    private static string? FirstLine(string text) =>
        text.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0);
}
