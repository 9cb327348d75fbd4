using Recovery.Access;

namespace Recovery.Commands;

/// <summary>
/// `kubectl get services -A -o json` through the node's kubeconfig: what the final check reads to tell whether a Service
/// claims a recovered address again (a controller re-created or re-wrote it). Read-only; exit 0 only when an API answered
/// (kubectl 1.20 prints an empty List with a refused connection, so only the exit code tells).
/// </summary>
/// <param name="Kubeconfig">absolute path on the node; null: kubectl's default.</param>
/// <param name="Program">kubectl where PATH has none (RKE2); null: `kubectl`.</param>
internal sealed record ServiceList(string? Kubeconfig, string? Program) : NodeCommand
{
    public string? Kubeconfig { get; } = Kubeconfig is null || CommandWords.IsPlainAbsolutePath(Kubeconfig)
        ? Kubeconfig : throw new ArgumentException($"kubeconfig '{Kubeconfig}' is not a plain absolute path", nameof(Kubeconfig));

    public string? Program { get; } = Program is null || CommandWords.IsPlainAbsolutePath(Program)
        ? Program : throw new ArgumentException($"kubectl '{Program}' is not a plain absolute path", nameof(Program));

    public override ShellCommand ToShell() => ShellCommand.Of(
        [Program ?? Kubernetes.KubectlProgram.OnPath, .. Kubeconfig is null ? Array.Empty<string>() : ["--kubeconfig", Kubeconfig],
         "--request-timeout=5s", "get", "services", "-A", "-o", "json"]);
}
