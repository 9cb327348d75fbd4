using System.CommandLine;
using System.Net;
using System.Runtime.CompilerServices;
using Recovery.Access;
using Recovery.Inventory;
using Recovery.Kubernetes.Discovery;
using Serilog;

namespace Recovery.Cli;

/// <summary>
/// Turns the command line into the inventory every verb works on: the YAML file or the --node options, else the
/// inventory discovered on this node (DESIGN.md "The command line"); then the SSH options of the command line over
/// the inventory's, and --protect added to its protected addresses. Where each node and setting came from is logged,
/// one line each, once per command.
/// </summary>
internal static class InventoryResolver
{
    private static readonly ConditionalWeakTable<ParseResult, ResolvedInventory> Resolved = new();

    public static ClusterInventory Resolve(ParseResult parse, GlobalOptions global, CancellationToken cancellationToken = default) =>
        ResolveWithSources(parse, global, cancellationToken).Inventory;

    /// <summary>The inventory and where each part came from; resolved (and discovered) once per command line.</summary>
    public static ResolvedInventory ResolveWithSources(ParseResult parse, GlobalOptions global, CancellationToken cancellationToken = default)
    {
        if (Resolved.TryGetValue(parse, out var done)) return done;
        var resolved = Build(parse, global, cancellationToken);
        foreach (var line in resolved.Sources) Log.Information("{Source}", line);
        Resolved.AddOrUpdate(parse, resolved);
        return resolved;
    }

    private static ResolvedInventory Build(ParseResult parse, GlobalOptions global, CancellationToken cancellationToken)
    {
        var file = parse.GetValue(global.Inventory);
        var nodeSpecs = parse.GetValue(global.Nodes) ?? [];
        if (file is not null && nodeSpecs.Length > 0)
            throw new InventoryException([new InventoryError("--node", 0, "--node", "cannot be combined with --inventory; expected one or the other")]);

        var sources = new List<string>();
        ClusterInventory inventory;
        if (file is not null)
        {
            inventory = InventoryLoader.ForThisMachine().LoadFile(file.FullName);
            sources.Add($"nodes: {inventory.Nodes.Count} from {file.FullName}; ssh and protect from the same file");
        }
        else if (nodeSpecs.Length > 0)
        {
            inventory = InventoryLoader.FromNodeOptions(nodeSpecs, new SshSettings(), []);
            sources.Add($"nodes: {inventory.Nodes.Count} from --node; ssh: defaults (user root, the default keys)");
        }
        else
        {
            var discovered = Discover(cancellationToken);
            inventory = discovered.Inventory;
            sources.AddRange(discovered.Sources);
        }

        var ssh = inventory.Ssh;
        if (parse.GetValue(global.User) is { } user) { ssh = (ssh with { User = user }).GivenBy(SshField.User, "--user"); sources.Add($"ssh: user {user} from --user"); }
        if (parse.GetValue(global.Identity) is { } identity) { ssh = (ssh with { IdentityFile = identity.FullName }).GivenBy(SshField.IdentityFile, "--identity"); sources.Add($"ssh: key {identity.FullName} from --identity"); }
        if (parse.GetValue(global.KnownHosts) is { } knownHosts) { ssh = (ssh with { KnownHostsFile = knownHosts.FullName }).GivenBy(SshField.KnownHosts, "--known-hosts"); sources.Add($"ssh: known_hosts {knownHosts.FullName} from --known-hosts"); }
        if (parse.GetValue(global.PasswordEnv) is { } passwordEnv) { ssh = ssh with { PasswordEnv = passwordEnv }; sources.Add($"ssh: password from the variable {passwordEnv} (--password-env)"); }
        if (parse.GetValue(global.AcceptNewHostKeys)) ssh = (ssh with { AcceptNewHostKeys = true }).GivenBy(SshField.AcceptNewHostKeys, "--accept-new-host-keys");
        if (parse.GetValue(global.Sudo)) ssh = ssh with { Sudo = true };
        if (parse.GetValue(global.SpareAddress) is { } spare) ssh = ssh with { SpareAddress = spare };
        ssh = ssh with { KnownHostsFile = ssh.KnownHostsFile ?? Path.Combine(HomePath.Directory, ".ssh", "known_hosts") };

        var extra = parse.GetValue(global.Protect) ?? [];
        if (extra.Length > 0) sources.Add($"protect: {string.Join(", ", extra.Select(a => a.ToString()))} from --protect");
        var protect = inventory.Protect.Concat(extra).Distinct().ToList();
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
        // ~/.ssh/config goes under the command line and the inventory, node by node.
        return new ResolvedInventory(SshFromConfig.Apply(inventory with { Ssh = ssh, Protect = protect }), sources);
    }

    /// <summary>
    /// Discovery runs here, read-only, before any verb acts; bounded by its own timeouts (etcd 5 s a call, kubectl 5 s).
    /// Waited on synchronously: the verbs resolve their inventory in synchronous places (a console app has no
    /// synchronisation context, so this cannot deadlock), and Ctrl-C still ends it through the token.
    /// </summary>
    private static DiscoveredInventory Discover(CancellationToken cancellationToken)
    {
        var home = HomePath.Directory;
        var user = Environment.GetEnvironmentVariable("USER");
        var ssh = SshDefaults.ForThisUser(user, home);
        var here = new LocalShell(new Node(Environment.MachineName, IPAddress.Loopback, new HashSet<NodeRole>()));
        var discovery = new InventoryDiscovery(here, InventoryDiscovery.Kubeconfigs(home), File.ReadAllText);
        return discovery.DiscoverAsync(ssh, SshDefaults.Describe(ssh, user, home, File.Exists), cancellationToken).GetAwaiter().GetResult();
    }
}

/// <summary>The inventory a command works on, and where each of its nodes and settings came from (one line each).</summary>
internal sealed record ResolvedInventory(ClusterInventory Inventory, IReadOnlyList<string> Sources);
