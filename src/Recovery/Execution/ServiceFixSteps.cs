using Recovery.Access;
using Recovery.Kubernetes;
using Recovery.Planning;

namespace Recovery.Execution;

/// <summary>
/// The FixObject steps: kubectl on the first candidate whose API answers (--via kubectl), etcd directly
/// (--via etcd), and with --via auto etcd when no API answers; and the final check that no claim came back.
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
    /// The final claims check (<see cref="ClaimsCheck"/>): the list read through kubectl on the step's node until it
    /// answers without a claim on the addresses, within the budget. Where no API answered at the last try, etcd: what
    /// every API server reads, and no controller can put a claim back while none answers. Holds only when a list was
    /// read and judged by the one claim rule, or etcd was read with nothing claiming and no value unreadable (it might
    /// hide one); a command that did not run (126/127, timeout) proves nothing.
    /// </summary>
    public async Task<(bool Acted, string Detail, CommandResult? Last)> CheckClaimsAsync(ClaimsCheck check, INodeShell shell)
    {
        var (held, last) = await Retries.UntilAsync(check.Settle, check.Budget, ClaimsRetry, async () =>
        {
            var result = await shell.RunAsync(check.List.ToShell(), options.Timeout, CancellationToken.None).ConfigureAwait(false);
            var answered = result.ExitCode == 0 && Probe.Ran(result);
            var left = answered ? ClaimsIn(result.StdOut, check.Addresses) : null;
            return (left is { Count: 0 }, (Result: result, Answered: answered, Left: left));
        }).ConfigureAwait(false);
        var (result, answered, left) = last;
        if (held) return (true, $"no Service claims {string.Join(", ", check.Addresses)} (read through `{check.List}`)", result);
        var within = $"within {check.Budget.TotalSeconds:0} s";
        if (left is { Count: > 0 }) return (false, $"{within}: a Service claims the address again: {Named(left, check.Addresses)}", result);
        if (answered) return (false, $"{within}: `{check.List}` printed no readable list of Services, so the fix is not confirmed", result);
        if (await ClaimsInEtcdAsync(check.Addresses).ConfigureAwait(false) is { } etcdRead) return (etcdRead.Holds, etcdRead.Detail, result);
        return (false, $"{within}: the Service claims could not be read again (`{check.List}` exit {result.ExitCode}: no API answered), so the fix is not confirmed: check `kubectl get services -A` yourself", result);
    }

    private static readonly TimeSpan ClaimsRetry = TimeSpan.FromSeconds(1);

    /// <summary>The claims on <paramref name="addresses"/> in a printed list; null when it does not read as one.</summary>
    private static List<ServiceClaim>? ClaimsIn(string list, IReadOnlyList<System.Net.IPAddress> addresses)
    {
        try
        {
            return [.. Facts.KubectlServiceClaims.Parse(list, "kubectl", addresses).Where(c => addresses.Any(c.Claims))];
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>Each claim (every one claims one of ADDRESSES), named with the fields that claim them and who puts it back.</summary>
    private static string Named(IEnumerable<ServiceClaim> claims, IReadOnlyList<System.Net.IPAddress> addresses) =>
        string.Join("; ", claims.Select(c =>
            $"{c.Service} ({string.Join(", ", addresses.SelectMany(c.FieldsClaiming).Distinct())}) " +
            (c.Owners.Count == 0 ? "put back by something its metadata does not name" : $"put back by {string.Join(", ", c.Owners)}: {string.Join("; ", c.Owners.Select(o => o.Pause))}")));

    /// <summary>
    /// The claims in etcd, where no API answered. Null without etcd access: nothing more to look at.
    /// </summary>
    private async Task<(bool Holds, string Detail)?> ClaimsInEtcdAsync(IReadOnlyList<System.Net.IPAddress> addresses)
    {
        if (etcd is null) return null;
        try
        {
            var read = await etcd.ReadClaimsAsync(addresses, CancellationToken.None).ConfigureAwait(false);
            var left = read.Claims.Where(c => addresses.Any(c.Claims)).ToList();
            if (left.Count > 0) return (false, $"no API answered, and {read.Source} holds a claim again: {Named(left, addresses)}");
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
