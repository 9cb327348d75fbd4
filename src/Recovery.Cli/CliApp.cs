using System.CommandLine;
using Recovery.Cli.Commands;
using Recovery.Cli.Logging;
using Recovery.Access;
using Recovery.Execution;
using Recovery.Facts;
using Recovery.Inventory;
using Recovery.Logging;
using Recovery.Planning;
using Recovery.State;
using Serilog;

namespace Recovery.Cli;

/// <summary>
/// The kube-recover command line. Only verbs that work are registered. Parse errors exit 2 with the
/// message naming what was wrong; exceptions that escape a verb are logged in one line (masked) and exit 1.
/// </summary>
internal static class CliApp
{
    public static RootCommand Create()
    {
        var global = new GlobalOptions();
        var root = new RootCommand("kube-recover: recover a Kubernetes cluster locked out by an IPVS externalIP or LoadBalancer IP equal to a node's own address");
        foreach (var option in global.All) root.Options.Add(option);
        root.Subcommands.Add(DiagnoseCommand.Create(global));
        root.Subcommands.Add(PlanCommand.Create(global));
        root.Subcommands.Add(RecoverCommand.Create(global));
        root.Subcommands.Add(RestoreCommand.Create(global));
        root.Subcommands.Add(InventoryCommand.Create(global));
        root.Subcommands.Add(AuditCommand.Create(global));
        root.Subcommands.Add(GuardCommand.Create(global));
        root.Subcommands.Add(VersionCommand.Create(global));
        // System.CommandLine runs the validators of the verb given, not the root's: each verb checks the etcd options.
        foreach (var verb in root.Subcommands) verb.Validators.Add(global.ValidateEtcdTls);
        return root;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter? stdout = null, TextWriter? stderr = null, CancellationToken cancellationToken = default)
    {
        var root = Create();
        var parse = root.Parse(args);
        // A writer the caller gives (tests, a host) is written to from several threads at once: the log sink, the
        // progress lines of nodes worked on in parallel. Console's own writers are already synchronized.
        stdout = stdout is null ? null : TextWriter.Synchronized(stdout);
        stderr = stderr is null ? null : TextWriter.Synchronized(stderr);
        var output = stdout ?? Console.Out;
        var error = stderr ?? Console.Error;
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors) error.WriteLine($"kube-recover: {SecretMask.Mask(e.Message)}");
            error.WriteLine("Run 'kube-recover --help' for usage.");
            return ExitCodes.BadInput;
        }
        LogSetup.Start(args.Contains("-v") || args.Contains("--verbose"), stderr);
        SpareAddress.Notice = line => Log.Warning("{Line}", line);
        try
        {
            var invocation = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
            return await parse.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Log.Warning("interrupted");
            return ExitCodes.Interrupted;
        }
        catch (Exception e) when (e is InventoryException or LocalNodeException or InvalidPlanException or SshCredentialException or StateDirectoryException or Recovery.Facts.NodeIdentityException
                                   or Recovery.Kubernetes.Discovery.InventoryDiscoveryException)
        {
            // Bad input, or nowhere safe to record what we do: refused before anything was changed.
            error.WriteLine($"kube-recover: {SecretMask.Mask(e.Message)}");
            return ExitCodes.BadInput;
        }
        catch (Exception e)
        {
            Log.Error("failed: {Error}", e.Message);
            Log.Debug(e, "details");
            return ExitCodes.Failed;
        }
        finally
        {
            // A spare address added for the run leaves with it, also after a failure or an interrupt.
            await SpareAddress.ReleaseAllAsync().ConfigureAwait(false);
            await Log.CloseAndFlushAsync().ConfigureAwait(false);
        }
    }
}
