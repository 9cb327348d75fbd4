using System.CommandLine;
using Recovery.Access;
using Recovery.Cli.Logging;
using Recovery.Execution;
using Recovery.Facts;
using Recovery.Inventory;
using Recovery.Kubernetes.Etcd;
using Serilog;

namespace Recovery.Cli.Commands;

/// <summary>
/// `kube-recover restore --backup FILE`: puts the Service objects a recover changed in etcd back, byte for byte, in
/// one transaction that refuses to overwrite a key that exists again (or was changed after the tool's strip).
/// </summary>
internal static class RestoreCommand
{
    public static Command Create(GlobalOptions global)
    {
        var backup = new Option<FileInfo>("--backup") { Description = "Backup file written by recover (backup-*.json in its state directory)", HelpName = "FILE", Required = true };
        var force = new Option<bool>("--force") { Description = "Overwrite even when a key exists again or changed since (or the etcd cluster differs)" };
        backup.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<FileInfo>() is { } f && !f.Exists) r.AddError($"--backup: file '{f.FullName}' does not exist; expected a backup file written by recover");
        });
        var command = new Command("restore", "Put back Service objects from a backup file written by recover (etcd)") { backup, force };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var file = parse.GetValue(backup)!;
            var prefix = parse.GetResult(global.EtcdPrefix) is { Implicit: false } ? parse.GetValue(global.EtcdPrefix)! : EtcdConnection.DefaultPrefix;
            // Validate the whole file before reaching any node: hostile or damaged input stops here (exit 2).
            Backup content;
            try
            {
                content = await BackupFile.ReadAsync(file.FullName, prefix, cancellationToken).ConfigureAwait(false);
            }
            catch (EtcdStoreException e)
            {
                parse.InvocationConfiguration.Error.WriteLine($"kube-recover: {e.Message}");
                return ExitCodes.BadInput;
            }

            ClusterInventory inventory;
            string? local = null;
            if (parse.GetResult(global.Inventory) is null && parse.GetResult(global.Nodes) is null && parse.GetResult(global.EtcdEndpoints) is not null)
            {
                inventory = new ClusterInventory(null, new SshSettings(), [], []);
            }
            else
            {
                inventory = InventoryResolver.Resolve(parse, global, cancellationToken);
                local = LocalNodeFinder.Find(inventory, parse.GetValue(global.Local)).Node?.Name;
            }

            Log.Information("restoring {Action} of {Service}: {Keys} keys from {File}", content.Action, content.Service, content.Keys.Count, file.FullName);
            if (Confirmation.Ask(parse.GetValue(global.Yes), Console.In, Console.Error, !Console.IsInputRedirected && !Console.IsErrorRedirected) is var answer
                && answer != Confirmation.Answer.Yes)
            {
                if (answer == Confirmation.Answer.NoTerminal) Log.Error("refusing to write to etcd without a terminal to confirm on: pass --yes");
                return answer == Confirmation.Answer.NoTerminal ? ExitCodes.BadInput : ExitCodes.Done;
            }
            LogSetup.StartAudit(file.DirectoryName!, parse.GetValue(global.Verbose));

            var connector = new NodeConnector(inventory, inventory.Ssh, local, new ConsoleSecretSource());
            var shells = new List<INodeShell>();
            var opener = EtcdAccess.Opener(parse, global, inventory, local, async (node, ct) =>
            {
                var shell = await connector.ConnectAsync(node, ct).ConfigureAwait(false);
                shells.Add(shell);
                return shell;
            });
            try
            {
                await using var etcd = await opener.OpenAsync(cancellationToken).ConfigureAwait(false);
                var outcome = await etcd.Store.RestoreAsync(file.FullName, parse.GetValue(force), cancellationToken).ConfigureAwait(false);
                parse.InvocationConfiguration.Output.WriteLine(
                    $"restored {outcome.Service} ({outcome.Action} undone): {outcome.Keys.Count} keys at etcd revision {outcome.Revision}{(outcome.Forced ? ", forced" : "")} ({etcd.Source})");
                foreach (var key in outcome.Keys) parse.InvocationConfiguration.Output.WriteLine($"  {key}");
                return ExitCodes.Done;
            }
            catch (WrongEtcdClusterException e)
            {
                parse.InvocationConfiguration.Error.WriteLine($"kube-recover: {e.Message}");
                return ExitCodes.BadInput;
            }
            catch (EtcdConflictException e)
            {
                Log.Error("{Message}", e.Message);
                return ExitCodes.Failed;
            }
            finally
            {
                foreach (var shell in shells) await shell.DisposeAsync().ConfigureAwait(false);
            }
        });
        return command;
    }
}
