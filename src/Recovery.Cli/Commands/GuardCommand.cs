using System.CommandLine;
using Recovery.Execution;
using Recovery.Logging;
using Recovery.Prevention.Guard;

namespace Recovery.Cli.Commands;

/// <summary>`kube-recover guard`: prints the admission policy that refuses Services claiming node or protected addresses.</summary>
internal static class GuardCommand
{
    public static Command Create(GlobalOptions global)
    {
        var kubeconfig = KubeconfigOption.Create();
        var cidrs = new Option<string[]>("--cidr") { Description = "Guard these CIDRs instead of the addresses read from the cluster (repeatable; IPv4, or IPv6 /128)", HelpName = "CIDR", AllowMultipleArgumentsPerToken = false };
        cidrs.Validators.Add(r =>
        {
            foreach (var cidr in r.GetValueOrDefault<string[]>() ?? [])
            {
                if (ServiceGuard.Problem(cidr) is { } problem) r.AddError($"--cidr: {SafeText.Of(problem)}");
            }
        });
        var command = new Command("guard", "Print a ValidatingAdmissionPolicy (1.30+) refusing Services that claim node or protected addresses; advice for older clusters") { kubeconfig, cidrs };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var outcome = await ServiceGuard.RenderAsync(parse.GetValue(kubeconfig)?.FullName, parse.GetValue(cidrs) ?? [], parse.GetValue(global.Protect) ?? [], cancellationToken).ConfigureAwait(false);
            if (outcome.Error is { } error)
            {
                parse.InvocationConfiguration.Error.WriteLine($"kube-recover: guard: {error}");
                return ExitCodes.Failed;
            }
            parse.InvocationConfiguration.Output.Write(outcome.Output);
            return ExitCodes.Done;
        });
        return command;
    }
}
