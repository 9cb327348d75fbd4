using System.Net;
using Recovery.Inventory;

namespace Recovery.Tests.Inventory;

/// <summary>What `kube-recover inventory` prints is an inventory -i reads back to the same value.</summary>
public sealed class InventoryYamlTests
{
    private static readonly InventoryLoader Loader = new(_ => true, "/root");

    [Fact]
    public void EveryFieldSurvivesTheRoundTrip()
    {
        var inventory = new ClusterInventory("prod-a",
            new SshSettings("admin", 2222, "/root/.ssh/id ed25519", "/root/.ssh/known_hosts", "SSH_PASSWORD", "KEY_PASS", true, ConnectTimeout: TimeSpan.FromSeconds(7)),
            [IPAddress.Parse("10.0.0.200"), IPAddress.Parse("fd00::200")],
            [
                new Node("master1", IPAddress.Parse("10.0.0.211"), new HashSet<NodeRole> { NodeRole.Etcd, NodeRole.ControlPlane }),
                new Node("etcd1", IPAddress.Parse("fd00::231"), new HashSet<NodeRole> { NodeRole.Etcd }),
                new Node("worker1", IPAddress.Parse("10.0.0.221"), new HashSet<NodeRole>(), new KubeProxySpec(KubeProxyManager.Custom, ["/opt/bin/kp", "stop"], ["/opt/bin/kp", "start"])),
                new Node("worker2", IPAddress.Parse("10.0.0.222"), new HashSet<NodeRole>(), new KubeProxySpec(KubeProxyManager.StaticPod)),
            ]);

        var yaml = InventoryYaml.Write(inventory, ["nodes: 4 from etcd", "a comment: with # and \"quotes\"\nover two lines"]);
        var back = Loader.Parse(yaml, "printed");

        Assert.Equal(inventory.Cluster, back.Cluster);
        // Where each setting was given (file:line) is the loader's record, not a setting: compared apart.
        Assert.Equal(inventory.Ssh, back.Ssh with { Given = inventory.Ssh.Given });
        Assert.Equal([SshField.User, SshField.Port, SshField.IdentityFile, SshField.KnownHosts], back.Ssh.Given.Keys.Order());
        Assert.Equal(inventory.Protect, back.Protect);
        Assert.Equal(inventory.Nodes.Count, back.Nodes.Count);
        for (var i = 0; i < inventory.Nodes.Count; i++)
        {
            var (a, b) = (inventory.Nodes[i], back.Nodes[i]);
            Assert.Equal((a.Name, a.Address), (b.Name, b.Address));
            Assert.Equal(a.Roles.Order(), b.Roles.Order());
            Assert.Equal(a.KubeProxy?.Manager, b.KubeProxy?.Manager);
            Assert.Equal(a.KubeProxy?.Stop, b.KubeProxy?.Stop);
            Assert.Equal(a.KubeProxy?.Start, b.KubeProxy?.Start);
        }
    }

    [Fact]
    public void ADiscoveredInventoryIsOneLinePerNodeUnderItsSources()
    {
        var inventory = new ClusterInventory(null, new SshSettings(KnownHostsFile: "/root/.ssh/known_hosts"), [],
        [
            new Node("node1", IPAddress.Parse("10.77.0.11"), new HashSet<NodeRole> { NodeRole.ControlPlane, NodeRole.Etcd }),
            new Node("node4", IPAddress.Parse("10.77.0.14"), new HashSet<NodeRole>()),
        ]);

        Assert.Equal("""
            # nodes: 2 from etcd /registry/minions/ at 127.0.0.1:2379 (serializable read; may be stale)
            ssh: { user: root, port: 22, knownHosts: /root/.ssh/known_hosts }
            nodes:
              - { name: node1, address: 10.77.0.11, roles: [control-plane, etcd] }
              - { name: node4, address: 10.77.0.14 }

            """.ReplaceLineEndings("\n"), InventoryYaml.Write(inventory, ["nodes: 2 from etcd /registry/minions/ at 127.0.0.1:2379 (serializable read; may be stale)"]));
    }

    [Theory]
    [InlineData("root", "root")]
    [InlineData("ops", "ops")]
    [InlineData(null, "root")]
    [InlineData("Not A User", "root")]
    public void SshDefaultsAreTheUsersOwn(string? user, string expected)
    {
        var ssh = SshDefaults.ForThisUser(user, "/home/x");

        Assert.Equal(expected, ssh.User);
        Assert.Equal(22, ssh.Port);
        Assert.Null(ssh.IdentityFile); // every default key that exists is used (SshCredentials)
        Assert.Equal("/home/x/.ssh/known_hosts", ssh.KnownHostsFile);
    }

    [Fact]
    public void TheSshSourceNamesTheDefaultKeysThatExist()
    {
        var ssh = SshDefaults.ForThisUser("ops", "/home/x");

        Assert.Equal("ssh: user ops ($USER), keys /home/x/.ssh/id_ed25519, /home/x/.ssh/id_rsa (the default keys that exist), known_hosts /home/x/.ssh/known_hosts (default)",
            SshDefaults.Describe(ssh, "ops", "/home/x", p => !p.EndsWith("id_ecdsa", StringComparison.Ordinal)));
        Assert.StartsWith("ssh: user root (default), no default key (~/.ssh/id_ed25519, ~/.ssh/id_ecdsa, ~/.ssh/id_rsa absent)",
            SshDefaults.Describe(SshDefaults.ForThisUser(null, "/home/x"), null, "/home/x", _ => false));
    }
}
