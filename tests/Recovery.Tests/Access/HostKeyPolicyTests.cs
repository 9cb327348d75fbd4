using System.Net;
using Recovery.Access;
using Recovery.Inventory;

namespace Recovery.Tests.Access;

/// <summary>Trust decisions and the hijack diagnosis, on known_hosts files and keys made by ssh-keygen.</summary>
public sealed class HostKeyPolicyTests
{
    private static readonly Node Node1 = new("node1", IPAddress.Parse("10.77.0.11"), new HashSet<NodeRole> { NodeRole.ControlPlane });
    private static readonly Node Node2 = new("node2", IPAddress.Parse("10.77.0.12"), new HashSet<NodeRole> { NodeRole.ControlPlane });
    private static readonly Node Node3 = new("node3", IPAddress.Parse("10.77.0.13"), new HashSet<NodeRole>());
    private static readonly ClusterInventory Inventory = new("lab", new SshSettings(), [], [Node1, Node2, Node3]);

    private static HostKey Key(string name) => HostKey.ReadPublicKeyFile(Processes.Fixture($"keys/{name}.pub"));

    private static HostKeyPolicy Policy(IReadOnlyList<HostKey>? local = null, string? localName = null, bool acceptNew = false) =>
        new(KnownHosts.Load(Processes.Fixture("known_hosts.hashed")), Inventory, local ?? [], localName, acceptNew);

    [Fact]
    public void Known_key_passes() => Policy().Verify(Node1, 22, Key("node1-rsa"));

    [Fact]
    public void Node_known_by_name_only_is_checked_by_name()
    {
        var renamed = Node2 with { Address = IPAddress.Parse("10.77.0.99") };
        Policy().Verify(renamed, 22, Key("node2-ed25519"));
        Assert.Throws<HostKeyRejectedException>(() => Policy().Verify(renamed, 22, Key("alt-ed25519")));
    }

    [Fact]
    public void Another_nodes_key_at_node1s_address_names_that_node()
    {
        var error = Assert.Throws<HostKeyRejectedException>(() => Policy().Verify(Node1, 22, Key("node2-ed25519")));
        Assert.Equal(HostKeyOutcome.Mismatch, error.Outcome);
        Assert.Equal("node2", error.Owner);
        Assert.Equal("10.77.0.11", error.Address);
        Assert.Equal(Key("node2-ed25519").Fingerprint, error.Fingerprint);
    }

    [Fact]
    public void This_nodes_own_key_gives_the_lockout_message()
    {
        var error = Assert.Throws<HostKeyRejectedException>(
            () => Policy([Key("node2-ed25519")], "node2").Verify(Node1, 22, Key("node2-ed25519")));
        Assert.True(error.OwnerIsLocal);
        Assert.Equal(
            "host key offered at 10.77.0.11 belongs to node2 (this node): node1's address is routed to node2 — the hijacked-address "
            + "lockout. Fix this node first (kube-recover recover runs here locally), then retry.",
            error.Message);
    }

    [Fact]
    public void Unknown_node_offering_a_known_nodes_key_is_refused_even_with_accept_new()
    {
        var unknown = new Node("node4", IPAddress.Parse("10.77.0.14"), new HashSet<NodeRole>());
        var inventory = Inventory with { Nodes = [Node1, Node2, Node3, unknown] };
        var path = Path.GetTempFileName();
        try
        {
            File.Copy(Processes.Fixture("known_hosts.hashed"), path, overwrite: true);
            var before = File.ReadAllText(path);
            var policy = new HostKeyPolicy(KnownHosts.Load(path), inventory, [], null, acceptNew: true);
            var error = Assert.Throws<HostKeyRejectedException>(() => policy.Verify(unknown, 22, Key("node1-ed25519")));
            Assert.Equal(HostKeyOutcome.Unknown, error.Outcome);
            Assert.Equal("node1", error.Owner);
            Assert.Equal(before, File.ReadAllText(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_key_accepted_for_one_new_node_is_refused_for_the_next()
    {
        var node4 = new Node("node4", IPAddress.Parse("10.77.0.14"), new HashSet<NodeRole>());
        var node5 = new Node("node5", IPAddress.Parse("10.77.0.15"), new HashSet<NodeRole>());
        var path = Path.Combine(Directory.CreateTempSubdirectory("kr-policy-").FullName, "known_hosts");
        try
        {
            var policy = new HostKeyPolicy(KnownHosts.Load(path), Inventory with { Nodes = [Node1, node4, node5] }, [], null, acceptNew: true);
            var accepted = new List<string>();
            policy.KeyAccepted += accepted.Add;
            policy.Verify(node4, 22, Key("alt-ed25519"));
            var error = Assert.Throws<HostKeyRejectedException>(() => policy.Verify(node5, 22, Key("alt-ed25519")));
            Assert.Equal("node4", error.Owner);
            Assert.Equal($"accepted new host key of node4 at 10.77.0.14: {Key("alt-ed25519")}, added to {path}", Assert.Single(accepted));
            Assert.Single(File.ReadAllLines(path));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    [Fact]
    public void Unknown_key_is_refused_without_accept_new_and_names_the_fingerprint()
    {
        var unknown = new Node("node4", IPAddress.Parse("10.77.0.14"), new HashSet<NodeRole>());
        var error = Assert.Throws<HostKeyRejectedException>(() => Policy().Verify(unknown, 22, Key("alt-ed25519")));
        Assert.Equal(HostKeyOutcome.Unknown, error.Outcome);
        Assert.Null(error.Owner);
        Assert.Contains(Key("alt-ed25519").Fingerprint, error.Message);
    }
}
