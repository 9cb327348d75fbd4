using Recovery.Access;
using Recovery.Facts;

namespace Recovery.Diagnosis;

/// <summary>
/// Asks an API server which Services claim addresses: `kubectl get services -A -o json` on the local node first,
/// then on each control-plane node that has kubectl, until one answers within its request timeout. During the
/// lockout no answer is the normal case: the result then says why, and the planner falls back to etcd when asked.
/// </summary>
public static class ServiceClaimsReader
{
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    public sealed record Result(IReadOnlyList<ServiceClaim>? Claims, string Source);

    public static async Task<Result> ReadAsync(IReadOnlyList<(INodeShell Shell, NodeFacts Facts)> candidates, CancellationToken cancellationToken)
    {
        var tried = new List<string>();
        foreach (var (shell, facts) in candidates.Where(c => c.Facts.Kubectl.Installed))
        {
            var command = ShellCommand.Of(Kubectl(facts.Kubectl.KubeconfigPath, "get", "services", "--all-namespaces", "-o", "json"));
            var result = await shell.RunAsync(command, RequestTimeout + TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
            if (result.Succeeded)
            {
                try
                {
                    return new Result(KubectlServiceClaims.Parse(result.StdOut, $"kubectl on {shell.Node.Name}"), $"kubectl on {shell.Node.Name}");
                }
                catch (FormatException e)
                {
                    tried.Add($"{shell.Node.Name}: {e.Message}");
                    continue;
                }
            }
            tried.Add($"{shell.Node.Name}: {FirstLine(result)}");
        }
        return new Result(null, tried.Count == 0 ? "no node with kubectl answered" : "no API server answered: " + string.Join("; ", tried));
    }

    internal static IEnumerable<string> Kubectl(string? kubeconfig, params string[] args)
    {
        yield return "kubectl";
        if (kubeconfig is not null)
        {
            yield return "--kubeconfig";
            yield return kubeconfig;
        }
        yield return $"--request-timeout={(int)RequestTimeout.TotalSeconds}s";
        foreach (var arg in args) yield return arg;
    }

    private static string FirstLine(CommandResult result)
    {
        if (result.TimedOut) return "timed out";
        var text = (result.StdErr.Length > 0 ? result.StdErr : result.StdOut).Trim();
        var line = text.Split('\n')[0];
        return line.Length > 160 ? line[..160] + "..." : line.Length == 0 ? $"exit {result.ExitCode}" : line;
    }
}
