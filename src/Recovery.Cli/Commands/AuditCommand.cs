using System.CommandLine;
using Recovery.Execution;
using Recovery.Prevention.Audit;

namespace Recovery.Cli.Commands;

/// <summary>
/// `kube-recover audit`: read-only, on a healthy cluster, through the API alone. Exit 3 when a Service or pool claims a
/// node or protected address, 1 when nothing was found but something could not be read, 0 when clean.
/// </summary>
internal static class AuditCommand
{
    public static Command Create(GlobalOptions global)
    {
        var kubeconfig = KubeconfigOption.Create();
        var command = new Command("audit", "Read-only, API only: Services and LB pools that claim node or protected addresses (exit 3 if found)") { kubeconfig };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var outcome = await ClusterAudit.RunAsync(parse.GetValue(kubeconfig)?.FullName, parse.GetValue(global.Protect) ?? [], parse.GetValue(global.Json), cancellationToken).ConfigureAwait(false);
            parse.InvocationConfiguration.Output.Write(outcome.Output);
            return outcome.Found ? ExitCodes.LockoutFound : outcome.Incomplete ? ExitCodes.Failed : ExitCodes.Done;
        });
        return command;
    }
}
