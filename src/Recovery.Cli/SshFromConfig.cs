using Recovery.Inventory;
using Recovery.Inventory.SshConfig;
using Serilog;

namespace Recovery.Cli;

/// <summary>
/// Adds the operator's ~/.ssh/config to the inventory, resolves every node's SSH settings once so a bad value stops the
/// run before any node is touched (exit 2), and logs where each setting came from (file:line; never a secret).
/// </summary>
internal static class SshFromConfig
{
    public static ClusterInventory Apply(ClusterInventory inventory)
    {
        var path = Path.Combine(HomePath.Directory, ".ssh", "config");
        var config = SshConfigFile.Load(path, HomePath.Directory);
        foreach (var warning in config.Warnings) Log.Warning("ssh config: {Warning}", warning);
        var resolver = new NodeSshResolver(inventory.Ssh, config, HomePath.Directory, Environment.UserName);
        var configured = new List<string>();
        foreach (var node in inventory.Nodes)
        {
            var ssh = resolver.For(node);
            if (ssh.Origins.Any(o => o.Contains(path + ":", StringComparison.Ordinal))) configured.Add(node.Name);
            Log.Debug("ssh {Node}: {Origins}", node.Name, string.Join(", ", ssh.Origins));
            if (ssh.Jumps.Count > 0) Log.Information("ssh {Node}: through {Jumps}", node.Name, string.Join(", then ", ssh.Jumps));
            foreach (var warning in ssh.Warnings.Concat(ssh.Jumps.SelectMany(j => j.Ssh.Warnings)).Distinct()) Log.Warning("ssh {Node}: {Warning}", node.Name, warning);
        }
        if (configured.Count > 0) Log.Information("ssh settings from {Path} for {Nodes} (-v: each setting and its line)", path, string.Join(", ", configured));
        return inventory with { SshConfig = config };
    }
}
