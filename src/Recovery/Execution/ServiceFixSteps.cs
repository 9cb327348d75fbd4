using Recovery.Access;
using Recovery.Kubernetes;
using Recovery.Planning;

namespace Recovery.Execution;

/// <summary>
/// The FixObject steps: kubectl on the first candidate whose API answers (--via kubectl), etcd directly
/// (--via etcd), and with --via auto etcd when no API answers.
/// </summary>
internal sealed class ServiceFixSteps(RunnerOptions options, NodeShells shells, IEtcdServiceFixer? etcd)
{
    public static KubectlServiceFix.Target TargetOf(KubectlFix fix) => new(fix.Service, fix.Action, fix.Addresses, fix.RequestTimeout);

    public async Task<(bool Acted, string Detail, CommandResult? Last)> ThroughKubectlAsync(KubectlFix fix, CancellationToken cancellationToken)
    {
        var fixer = new KubectlServiceFix(TargetOf(fix), options.StateDir, options.Timeout);
        var silent = new List<string>();
        CommandResult? last = null;
        foreach (var candidate in fix.Candidates)
        {
            var shell = await shells.ConnectAsync(candidate.Node, cancellationToken).ConfigureAwait(false);
            if (shell is null)
            {
                silent.Add($"{candidate.Node}: {shells.WhyUnreachable(candidate.Node)}");
                continue;
            }
            var result = await fixer.RunAsync(shell, candidate.Kubeconfig, candidate.Program, CancellationToken.None).ConfigureAwait(false);
            last = result.Last;
            switch (result.Outcome)
            {
                case KubectlServiceFix.Outcome.ApiDidNotAnswer:
                    silent.Add(result.Detail);
                    continue;
                case KubectlServiceFix.Outcome.AlreadyFixed or KubectlServiceFix.Outcome.Fixed:
                    return (true, $"via {candidate.Node}: {result.Detail}", last);
                default:
                    return (false, $"via {candidate.Node}: {result.Detail}", last);
            }
        }
        if (fix.EtcdFallback && etcd is not null)
        {
            var (ok, detail, _) = await ThroughEtcdAsync(new EtcdFix(fix.Service, fix.Action, fix.Addresses)).ConfigureAwait(false);
            return (ok, $"no API answered ({string.Join("; ", silent)}); through etcd: {detail}", last);
        }
        return (false, $"no API answered: {(silent.Count == 0 ? "no control-plane node with kubectl" : string.Join("; ", silent))}", last);
    }

    public async Task<(bool Acted, string Detail, CommandResult? Last)> ThroughEtcdAsync(EtcdFix fix)
    {
        if (etcd is null) return (false, "no etcd access was configured (--etcd-endpoints and client certificates)", null);
        var result = await etcd.FixAsync(fix.Service, fix.Action, fix.Addresses, options.StateDir, CancellationToken.None).ConfigureAwait(false);
        var backup = result.BackupFile is null ? "" : $" (backup {result.BackupFile})";
        return (result.Succeeded, result.Detail + backup, null);
    }
}
