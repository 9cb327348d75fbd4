using System.Net;
using Recovery.Inventory;
using Recovery.Inventory.SshConfig;

namespace Recovery.Tests.Inventory.SshConfig;

/// <summary>Precedence per node: command line &gt; inventory ssh block &gt; ~/.ssh/config for the node's name or address &gt; defaults.</summary>
public sealed class NodeSshResolverTests
{
    private const string Config = """
        Host node2
          User admin
          Port 2222
          IdentityFile ~/.ssh/%h_%r
          IdentityFile %d/keys/%u
          UserKnownHostsFile ~/.ssh/cluster_hosts
          StrictHostKeyChecking accept-new
          ProxyJump ops@bastion
        Host 10.0.0.13
          User byaddress
          StrictHostKeyChecking no
        Host bastion
          HostName 192.0.2.10
          Port 2200
          IdentityFile ~/.ssh/bastion_key
          ProxyJump outer:2022
        Host outer
          User edge
        Host *
          User fallback
        """;

    private static readonly Node Node2 = new("node2", IPAddress.Parse("10.0.0.12"), new HashSet<NodeRole>());
    private static readonly Node Node3 = new("node3", IPAddress.Parse("10.0.0.13"), new HashSet<NodeRole>());

    private static NodeSsh Resolve(Node node, SshSettings given, string config = Config) =>
        new NodeSshResolver(given, SshConfigFile.Parse(config, "/home/op/.ssh/config", "/home/op"), "/home/op", "op").For(node);

    private static readonly SshSettings Defaults = new(KnownHostsFile: "/home/op/.ssh/known_hosts");

    [Fact]
    public void The_config_fills_what_the_operator_did_not_give()
    {
        var ssh = Resolve(Node2, Defaults);
        Assert.Equal("admin", ssh.Settings.User);
        Assert.Equal(2222, ssh.Settings.Port);
        Assert.Equal(["/home/op/.ssh/node2_admin", "/home/op/keys/op"], ssh.IdentityFiles);
        Assert.Null(ssh.Settings.IdentityFile);
        Assert.Equal("/home/op/.ssh/cluster_hosts", ssh.Settings.KnownHostsFile);
        Assert.True(ssh.Settings.AcceptNewHostKeys);
        Assert.Contains("user admin (/home/op/.ssh/config:2)", ssh.Origins);
    }

    [Fact]
    public void The_inventory_wins_over_the_config_and_the_command_line_over_both()
    {
        var inventory = (Defaults with { User = "invuser", Port = 2022, IdentityFile = "/inv/key", KnownHostsFile = "/inv/known" })
            .GivenBy(SshField.User, "inv.yaml:2").GivenBy(SshField.Port, "inv.yaml:2").GivenBy(SshField.IdentityFile, "inv.yaml:2").GivenBy(SshField.KnownHosts, "inv.yaml:2");
        var fromInventory = Resolve(Node2, inventory);
        Assert.Equal(("invuser", 2022, "/inv/key", "/inv/known"), (fromInventory.Settings.User, fromInventory.Settings.Port, fromInventory.Settings.IdentityFile, fromInventory.Settings.KnownHostsFile));
        Assert.Empty(fromInventory.IdentityFiles);
        Assert.Contains("user invuser (inv.yaml:2)", fromInventory.Origins);

        var commandLine = (inventory with { User = "cliuser" }).GivenBy(SshField.User, "--user");
        var fromCommandLine = Resolve(Node2, commandLine);
        Assert.Equal("cliuser", fromCommandLine.Settings.User);
        Assert.Contains("user cliuser (--user)", fromCommandLine.Origins);
    }

    [Fact]
    public void The_inventory_files_ssh_block_is_given_with_its_line()
    {
        var inventory = new InventoryLoader(_ => true, "/home/op").Parse("""
            ssh:
              user: invuser
            nodes:
              - { name: node2, address: 10.0.0.12 }
            """, "inv.yaml");
        var ssh = Resolve(Node2, inventory.Ssh);
        Assert.Equal("invuser", ssh.Settings.User);
        Assert.Contains("user invuser (inv.yaml:2)", ssh.Origins);
        // What the file does not give, the config does.
        Assert.Equal(2222, ssh.Settings.Port);
    }

    [Fact]
    public void Accept_new_from_the_command_line_wins_over_a_strict_config()
    {
        var given = (Defaults with { AcceptNewHostKeys = true }).GivenBy(SshField.AcceptNewHostKeys, "--accept-new-host-keys");
        Assert.True(Resolve(Node2, given, "StrictHostKeyChecking yes\n").Settings.AcceptNewHostKeys);
        Assert.False(Resolve(Node2, Defaults, "StrictHostKeyChecking yes\n").Settings.AcceptNewHostKeys);
    }

    [Fact]
    public void Nothing_given_and_nothing_configured_keeps_the_defaults()
    {
        var ssh = Resolve(Node2, Defaults, "Host other\n  User x\n");
        Assert.Equal(("root", 22, false), (ssh.Settings.User, ssh.Settings.Port, ssh.Settings.AcceptNewHostKeys));
        Assert.Empty(ssh.IdentityFiles);
        Assert.Empty(ssh.Jumps);
        Assert.Equal("/home/op/.ssh/known_hosts", ssh.Settings.KnownHostsFile);
    }

    [Fact]
    public void A_node_is_matched_by_its_address_too()
    {
        Assert.Equal("byaddress", Resolve(Node3, Defaults).Settings.User);
    }

    [Theory]
    [InlineData("no")]
    [InlineData("off")]
    [InlineData("false")]
    public void StrictHostKeyChecking_no_is_accept_new_with_a_warning_never_trust_all(string value)
    {
        var ssh = Resolve(Node3, Defaults, $"StrictHostKeyChecking {value}\n");
        Assert.True(ssh.Settings.AcceptNewHostKeys);
        Assert.Contains(ssh.Warnings, w => w.Contains("taken as accept-new", StringComparison.Ordinal) && w.Contains("config:1", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("/dev/null")]
    [InlineData("none")]
    public void A_known_hosts_file_that_keeps_nothing_is_not_used(string file)
    {
        // The usual "trust every key" pair: keys are still checked against (and recorded in) the real known_hosts.
        var ssh = Resolve(Node3, Defaults, $"UserKnownHostsFile {file}\nStrictHostKeyChecking no\n");
        Assert.Equal("/home/op/.ssh/known_hosts", ssh.Settings.KnownHostsFile);
        Assert.Contains(ssh.Warnings, w => w.Contains("is not used", StringComparison.Ordinal) && w.Contains("config:1", StringComparison.Ordinal));
    }

    [Fact]
    public void IdentityFile_none_leaves_the_default_keys()
    {
        Assert.Empty(Resolve(Node3, Defaults, "IdentityFile none\n").IdentityFiles);
    }

    [Fact]
    public void StrictHostKeyChecking_ask_is_yes()
    {
        var ssh = Resolve(Node3, Defaults, "StrictHostKeyChecking ask\n");
        Assert.False(ssh.Settings.AcceptNewHostKeys);
        Assert.Contains(ssh.Warnings, w => w.Contains("taken as yes", StringComparison.Ordinal));
    }

    [Fact]
    public void ProxyJump_hops_are_resolved_through_their_own_blocks_and_chains_are_followed()
    {
        var ssh = Resolve(Node2, Defaults);
        // bastion's own ProxyJump (outer) comes first, as ssh reaches a first hop the way its own block says.
        Assert.Equal(["outer", "bastion"], ssh.Jumps.Select(j => j.Alias));
        var outer = ssh.Jumps[0];
        Assert.Equal(("outer", "edge", 2022), (outer.Host, outer.Ssh.Settings.User, outer.Ssh.Settings.Port));
        var bastion = ssh.Jumps[1];
        // The hop's user@ wins over its block's User; HostName and Port come from its block.
        Assert.Equal(("192.0.2.10", "ops", 2200), (bastion.Host, bastion.Ssh.Settings.User, bastion.Ssh.Settings.Port));
        Assert.Equal(["/home/op/.ssh/bastion_key"], bastion.Ssh.IdentityFiles);
        Assert.Empty(bastion.Ssh.Jumps);
    }

    [Fact]
    public void A_jump_host_does_not_take_the_nodes_user_or_port_from_the_command_line()
    {
        var given = (Defaults with { User = "cliuser", Port = 2022 }).GivenBy(SshField.User, "--user").GivenBy(SshField.Port, "inv.yaml:2");
        var hop = Assert.Single(Resolve(Node2, given, "Host node2\n  ProxyJump bastion\n").Jumps);
        Assert.Equal(("root", 22), (hop.Ssh.Settings.User, hop.Ssh.Settings.Port));
    }

    [Fact]
    public void ProxyJump_none_and_a_multi_hop_value_are_read()
    {
        Assert.Empty(Resolve(Node2, Defaults, "Host node2\n  ProxyJump none\nHost *\n  ProxyJump never\n").Jumps);
        // Unscoped, a ProxyJump would apply to its own hops too (a loop in ssh as well): scoped to the node.
        Assert.Equal(["a", "b"], Resolve(Node2, Defaults, "Host node2\n  ProxyJump a,b\n").Jumps.Select(j => j.Alias));
    }

    [Fact]
    public void A_ProxyJump_loop_is_an_error_naming_the_line()
    {
        var error = Assert.Throws<InventoryException>(() => Resolve(Node2, Defaults, "Host node2\n  ProxyJump a\nHost a\n  ProxyJump b\nHost b\n  ProxyJump a\n"));
        Assert.Contains("ProxyJump", error.Message, StringComparison.Ordinal);
        Assert.Contains("config:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_token_is_an_error_naming_the_line()
    {
        var error = Assert.Throws<InventoryException>(() => Resolve(Node2, Defaults, "Host node2\n  IdentityFile ~/.ssh/%C\n"));
        Assert.Contains("/home/op/.ssh/config:2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_HostName_other_than_the_inventory_address_is_not_used_and_said_so()
    {
        var ssh = Resolve(Node2, Defaults, "Host node2\n  HostName 10.9.9.9\n");
        Assert.Contains(ssh.Warnings, w => w.Contains("HostName 10.9.9.9", StringComparison.Ordinal) && w.Contains("10.0.0.12", StringComparison.Ordinal));
    }

    [Fact]
    public void Origins_never_carry_a_secret()
    {
        var given = (Defaults with { PasswordEnv = "SSH_PASSWORD" }).GivenBy(SshField.User, "--user");
        Environment.SetEnvironmentVariable("SSH_PASSWORD", "hunter2-secret");
        try
        {
            var ssh = Resolve(Node2, given);
            Assert.DoesNotContain(ssh.Origins.Concat(ssh.Warnings), line => line.Contains("hunter2", StringComparison.Ordinal));
        }
        finally
        {
            Environment.SetEnvironmentVariable("SSH_PASSWORD", null);
        }
    }
}
