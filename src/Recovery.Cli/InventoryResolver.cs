using System.CommandLine;
using Recovery.Inventory;

namespace Recovery.Cli;

/// <summary>
/// Turns the command line into the inventory every verb works on: the YAML file or the --node options, then the
/// SSH options of the command line over the file's, and --protect added to the file's protected addresses.
/// </summary>
internal static class InventoryResolver
{
    public static ClusterInventory Resolve(ParseResult parse, GlobalOptions global)
    {
        var file = parse.GetValue(global.Inventory);
        var nodeSpecs = parse.GetValue(global.Nodes) ?? [];
        if (file is not null && nodeSpecs.Length > 0)
            throw new InventoryException([new InventoryError("--node", 0, "--node", "cannot be combined with --inventory; expected one or the other")]);

        var inventory = file is not null
            ? InventoryLoader.ForThisMachine().LoadFile(file.FullName)
            : nodeSpecs.Length > 0
                ? InventoryLoader.FromNodeOptions(nodeSpecs, new SshSettings(), [])
                : throw new InventoryException([new InventoryError("command line", 0, "nodes", "no inventory; expected --inventory FILE or --node NAME=ADDRESS (repeatable)")]);

        var ssh = inventory.Ssh;
        if (parse.GetValue(global.User) is { } user) ssh = (ssh with { User = user }).GivenBy(SshField.User, "--user");
        if (parse.GetValue(global.Identity) is { } identity) ssh = (ssh with { IdentityFile = identity.FullName }).GivenBy(SshField.IdentityFile, "--identity");
        if (parse.GetValue(global.KnownHosts) is { } knownHosts) ssh = (ssh with { KnownHostsFile = knownHosts.FullName }).GivenBy(SshField.KnownHosts, "--known-hosts");
        if (parse.GetValue(global.PasswordEnv) is { } passwordEnv) ssh = ssh with { PasswordEnv = passwordEnv };
        if (parse.GetValue(global.AcceptNewHostKeys)) ssh = (ssh with { AcceptNewHostKeys = true }).GivenBy(SshField.AcceptNewHostKeys, "--accept-new-host-keys");
        if (parse.GetValue(global.Sudo)) ssh = ssh with { Sudo = true };
        if (parse.GetValue(global.SpareAddress) is { } spare) ssh = ssh with { SpareAddress = spare };
        ssh = ssh with { KnownHostsFile = ssh.KnownHostsFile ?? Path.Combine(HomePath.Directory, ".ssh", "known_hosts") };

        var protect = inventory.Protect.Concat(parse.GetValue(global.Protect) ?? []).Distinct().ToList();
        var local = parse.GetValue(global.Local);
        if (local is not null && inventory.FindByName(local) is null)
            throw new InventoryException([new InventoryError("--local", 0, "--local", $"'{local}' is not a node of the inventory; expected one of {string.Join(", ", inventory.Nodes.Select(n => n.Name))}")]);
        if (ssh.SpareAddress is { } spareAddress)
        {
            // A spare address is one no machine uses: a node's, a protected or a hijacked one is the opposite.
            var taken = inventory.Nodes.FirstOrDefault(n => n.Address.Equals(spareAddress))?.Name is { } owner ? $"{owner}'s address"
                : protect.Contains(spareAddress) ? "a protected address"
                : (parse.GetValue(global.Addresses) ?? []).Contains(spareAddress) ? "the hijacked address (--ip)"
                : null;
            if (taken is not null)
                throw new InventoryException([new InventoryError("--spare-address", 0, "--spare-address", $"{spareAddress} is {taken}; expected a free address of this node's segment that no machine uses")]);
        }
        return SshFromConfig.Apply(inventory with { Ssh = ssh, Protect = protect });
    }
}
