using System.Net;
using Recovery.Inventory;

namespace Recovery.Tests.Inventory;

public sealed class InventoryLoaderTests
{
    private static readonly InventoryLoader Loader = new(path => path is "/keys/id_ed25519" or "/root/.ssh/id_ed25519", "/root");

    private const string Seed = """
        cluster: prod-a
        ssh: { user: root, port: 22, identityFile: ~/.ssh/id_ed25519, knownHosts: ~/.ssh/known_hosts }
        protect: [10.0.0.200]
        nodes:
          - { name: master1, address: 10.0.0.211, roles: [control-plane, etcd] }
          - { name: master2, address: 10.0.0.213, roles: [control-plane, etcd] }
          - { name: worker1, address: 10.0.0.221 }
        """;

    [Fact]
    public void Reads_the_design_example()
    {
        var inventory = Loader.Parse(Seed, "inv.yaml");
        Assert.Equal("prod-a", inventory.Cluster);
        Assert.Equal("/root/.ssh/id_ed25519", inventory.Ssh.IdentityFile);
        Assert.Equal("/root/.ssh/known_hosts", inventory.Ssh.KnownHostsFile);
        Assert.Equal([IPAddress.Parse("10.0.0.200")], inventory.Protect);
        Assert.Equal(["master1", "master2", "worker1"], inventory.Nodes.Select(n => n.Name));
        Assert.True(inventory.Nodes[0].IsControlPlane && inventory.Nodes[0].IsEtcd);
        Assert.False(inventory.Nodes[2].IsControlPlane);
        Assert.Equal(IPAddress.Parse("10.0.0.213"), inventory.FindByName("master2")!.Address);
    }

    [Fact]
    public void Reads_a_custom_kube_proxy_manager_as_argv()
    {
        var inventory = Loader.Parse("""
            nodes:
              - name: node1
                address: 10.77.0.11
                kubeProxy: { manager: custom, stop: "/usr/local/sbin/lab-kube-proxy stop", start: [/usr/local/sbin/lab-kube-proxy, start] }
            """, "inv.yaml");
        var spec = inventory.Nodes[0].KubeProxy!;
        Assert.Equal(KubeProxyManager.Custom, spec.Manager);
        Assert.Equal(["/usr/local/sbin/lab-kube-proxy", "stop"], spec.Stop);
        Assert.Equal(["/usr/local/sbin/lab-kube-proxy", "start"], spec.Start);
    }

    [Theory]
    [InlineData("nodes:\n  - { name: n1, address: 10.0.0.1, colour: blue }", 2, "nodes[0].colour", "unknown field")]
    [InlineData("nodes:\n  - { name: n1, address: 10.0.0.1 }\n  - { name: n1, address: 10.0.0.2 }", 2, "nodes", "appears 2 times")]
    [InlineData("nodes:\n  - { name: n1, address: 10.0.0.1 }\n  - { name: n2, address: 10.0.0.1 }", 2, "nodes", "is used by n1, n2")]
    [InlineData("nodes:\n  - { name: n1, address: 10.0.0.300 }", 2, "nodes[0].address", "not an IP address")]
    [InlineData("nodes:\n  - { name: n1, address: master1.example.com }", 2, "nodes[0].address", "not an IP address")]
    [InlineData("nodes:\n  - { name: 'n1; rm -rf /', address: 10.0.0.1 }", 2, "nodes[0].name", "not a valid node name")]
    [InlineData("nodes:\n  - { name: Master1, address: 10.0.0.1 }", 2, "nodes[0].name", "not a valid node name")]
    [InlineData("ssh: { identityFile: /keys/missing }\nnodes:\n  - { name: n1, address: 10.0.0.1 }", 1, "ssh.identityFile", "does not exist")]
    [InlineData("ssh: { port: 70000 }\nnodes:\n  - { name: n1, address: 10.0.0.1 }", 1, "ssh.port", "between 1 and 65535")]
    [InlineData("ssh: { passwordEnv: 'hunter2 is my password' }\nnodes:\n  - { name: n1, address: 10.0.0.1 }", 1, "ssh.passwordEnv", "NAME of an environment variable")]
    [InlineData("protect: [10.0.0.1, gateway]\nnodes:\n  - { name: n1, address: 10.0.0.2 }", 1, "protect", "'gateway' is not an IP address")]
    [InlineData("nodes:\n  - { name: n1, address: 10.0.0.1, roles: [boss] }", 2, "nodes[0].roles", "unknown role 'boss'")]
    [InlineData("nodes:\n  - { name: n1, address: 10.0.0.1, kubeProxy: { manager: custom, stop: 'systemctl stop x; reboot', start: x } }", 2, "nodes[0].kubeProxy.stop", "shell operator")]
    [InlineData("nodes:\n  - { name: n1, address: 10.0.0.1, kubeProxy: { manager: custom, stop: x } }", 2, "nodes[0].kubeProxy", "needs both")]
    [InlineData("nodes:\n  - { name: n1, address: 10.0.0.1, kubeProxy: { manager: supervisord } }", 2, "nodes[0].kubeProxy.manager", "expected systemd, static-pod")]
    [InlineData("cluster: x", 1, "nodes", "missing or empty")]
    public void Refuses_bad_input_naming_line_field_and_expectation(string yaml, long line, string field, string problem)
    {
        var e = Assert.Throws<InventoryException>(() => Loader.Parse(yaml, "inv.yaml"));
        var error = Assert.Single(e.Errors, x => x.Field == field);
        Assert.Equal(line, error.Line);
        Assert.Contains(problem, error.Problem);
        Assert.Equal("inv.yaml", error.Source);
        Assert.StartsWith($"inv.yaml:{line}: {field}: ", error.ToString());
    }

    [Fact]
    public void Reports_every_problem_at_once()
    {
        var e = Assert.Throws<InventoryException>(() => Loader.Parse("nodes:\n  - { name: A, address: x }\n  - { name: b, address: y, z: 1 }", "inv.yaml"));
        Assert.Equal(4, e.Errors.Count); // A and x on the first node; y and z on the second
    }

    [Fact]
    public void Refuses_malformed_yaml_with_its_line()
    {
        var e = Assert.Throws<InventoryException>(() => Loader.Parse("nodes:\n  - { name: n1, address: [\n", "inv.yaml"));
        Assert.Equal("yaml", e.Errors[0].Field);
    }

    [Fact]
    public void Control_characters_in_values_are_shown_escaped_never_raw()
    {
        var e = Assert.Throws<InventoryException>(() => Loader.Parse("nodes:\n  - { name: \"n1\\e[2J\\nFAKE: ok\", address: 10.0.0.1 }", "inv.yaml"));
        Assert.DoesNotContain('\u001b', e.Message);
        Assert.Contains("\\u001b", e.Message);
    }

    [Fact]
    public void Refuses_invalid_utf8_and_huge_files()
    {
        var dir = Directory.CreateTempSubdirectory("kr-inv-");
        try
        {
            var bad = Path.Combine(dir.FullName, "bad.yaml");
            File.WriteAllBytes(bad, [0x6e, 0x6f, 0x64, 0x65, 0x73, 0x3a, 0xff, 0xfe, 0x0a]);
            Assert.Contains("not valid UTF-8", Assert.Throws<InventoryException>(() => InventoryLoader.ForThisMachine().LoadFile(bad)).Message);
            var huge = Path.Combine(dir.FullName, "huge.yaml");
            File.WriteAllText(huge, new string('#', (int)InventoryLoader.MaxFileBytes + 1));
            Assert.Contains("under", Assert.Throws<InventoryException>(() => InventoryLoader.ForThisMachine().LoadFile(huge)).Message);
            Assert.Contains("does not exist", Assert.Throws<InventoryException>(() => InventoryLoader.ForThisMachine().LoadFile(Path.Combine(dir.FullName, "none.yaml"))).Message);
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public void Node_options_build_an_inventory()
    {
        var inventory = InventoryLoader.FromNodeOptions(["master1=10.0.0.211,control-plane,etcd", "worker1=10.0.0.221"], new SshSettings(), []);
        Assert.True(inventory.Nodes[0].IsControlPlane);
        Assert.Empty(inventory.Nodes[1].Roles);
    }

    [Theory]
    [InlineData("master1", "expected NAME=ADDRESS")]
    [InlineData("master1=", "expected NAME=ADDRESS")]
    [InlineData("m$(id)=10.0.0.1", "not a valid node name")]
    [InlineData("m1=10.0.0.1,king", "unknown role")]
    public void Node_options_refuse_bad_specs(string spec, string problem)
    {
        var e = Assert.Throws<InventoryException>(() => InventoryLoader.FromNodeOptions([spec], new SshSettings(), []));
        Assert.Contains(problem, e.Message);
    }
}
