using System.CommandLine;
using Recovery.Execution;
using Recovery.Inventory;
using Recovery.Logging;

namespace Recovery.Cli.Commands;

/// <summary>
/// `kube-recover inventory`: read-only; the nodes, roles, addresses and SSH settings every other verb would use
/// (discovered when no -i/--node is given), as inventory YAML that -i accepts unchanged. Where each part came from
/// is logged on stderr and repeated as comments at the top.
/// </summary>
internal static class InventoryCommand
{
    public static Command Create(GlobalOptions global)
    {
        var command = new Command("inventory", "Print the nodes, roles, addresses and SSH settings it would use (discovered without -i/--node), as inventory YAML");
        var output = new Option<FileInfo?>("--output", "-o") { Description = "Write the YAML to FILE instead of stdout", HelpName = "FILE" };
        command.Options.Add(output);
        command.SetAction((parse, cancellationToken) =>
        {
            var resolved = InventoryResolver.ResolveWithSources(parse, global, cancellationToken);
            var yaml = InventoryYaml.Write(resolved.Inventory, ["kube-recover inventory: review, edit, then pass with -i FILE", .. resolved.Sources.Select(SecretMask.Mask)]);
            if (parse.GetValue(output) is { } target)
            {
                File.WriteAllText(target.FullName, yaml);
                parse.InvocationConfiguration.Output.WriteLine(target.FullName);
            }
            else
            {
                parse.InvocationConfiguration.Output.Write(yaml);
            }
            return Task.FromResult(ExitCodes.Done);
        });
        return command;
    }
}
