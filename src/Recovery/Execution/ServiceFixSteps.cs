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

    /// <summary>
    /// The final claims check where no API answered: etcd is what every API server reads, and no controller can put a
    /// claim back while no API server answers. Holds only when etcd was read, nothing in it claims the addresses, and
    /// no value was unreadable (it might hide one). Null without etcd access: nothing more to look at.
    /// </summary>
    public async Task<(bool Holds, string Detail)?> ClaimsInEtcdAsync(IReadOnlyList<System.Net.IPAddress> addresses)
    {
        if (etcd is null) return null;
        try
        {
            var read = await etcd.ReadClaimsAsync(addresses, CancellationToken.None).ConfigureAwait(false);
            var left = read.Claims.Where(c => addresses.Any(c.Claims)).ToList();
            if (left.Count > 0) return (false, $"no API answered, and {read.Source} holds a claim again: {Probe.Named(left, addresses)}");
            if (read.Unreadable.Count > 0) return (false, $"no API answered, and {read.Unreadable.Count} Service value(s) in {read.Source} could not be read (first: {read.Unreadable[0]}), so the fix is not confirmed");
            return (true, $"no API answered; {read.Source} holds no claim on {string.Join(", ", addresses)} (no controller can put one back until an API server answers: check `kubectl get services -A` then)");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return (false, $"no API answered, and etcd could not be read either ({e.Message}), so the fix is not confirmed");
        }
    }

    public async Task<(bool Acted, string Detail, CommandResult? Last)> ThroughEtcdAsync(EtcdFix fix)
    {
        if (etcd is null) return (false, "no etcd access was configured (--etcd-endpoints and client certificates)", null);
        var result = await etcd.FixAsync(fix.Service, fix.Action, fix.Addresses, options.StateDir, CancellationToken.None).ConfigureAwait(false);
        var backup = result.BackupFile is null ? "" : $" (backup {result.BackupFile})";
        return (result.Succeeded, result.Detail + backup, null);
    }
}
