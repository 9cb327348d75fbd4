using System.Net;
using Recovery.Access;
using Recovery.Inventory;
using Recovery.Tests.Fixtures;

namespace Recovery.Tests.Access;

/// <summary>
/// Reaching around the hijack: neighbours found over IPv6 link-local (from `ping -6 ff02::1%eth0; ip -6 neigh` captured
/// at node1's console on the broken lab) and identified by the host key known_hosts trusts, never by their address.
/// </summary>
public sealed class LinkLocalReachTests
{
    private static readonly Node Node1 = new("node1", IPAddress.Parse("10.77.0.11"), new HashSet<NodeRole> { NodeRole.ControlPlane });
    private static readonly Node Node2 = new("node2", IPAddress.Parse("10.77.0.12"), new HashSet<NodeRole> { NodeRole.ControlPlane });
    private static readonly Node Node3 = new("node3", IPAddress.Parse("10.77.0.13"), new HashSet<NodeRole>());
    private static readonly ClusterInventory Inventory = new("lab", new SshSettings(), [], [Node1, Node2, Node3]);
    private const string Where = "fe80::588e:d7ff:fe6b:e8d2%eth0";

    private static readonly LinkLocalInterface Eth0 = new("eth0", 2, [IPAddress.Parse("fe80::d495:14ff:fe17:c433")]);

    private static HostKey Key(string name) => HostKey.ReadPublicKeyFile(Processes.Fixture($"keys/{name}.pub"));

    private static HostKeyPolicy Policy(bool acceptNew = false, IReadOnlyList<HostKey>? local = null) =>
        new(KnownHosts.Load(Processes.Fixture("known_hosts.hashed")), Inventory, local ?? [], "node1", acceptNew);

    [Fact]
    public void The_neighbours_are_every_other_fe80_address_that_answered_scoped_to_the_interface()
    {
        var found = LinkLocalNeighbours.Parse(Fixture.Read("linklocal/ping-neigh-node1.txt"), Eth0);

        // node2, node3 and the segment's bridge (no sshd: its connection fails and it is left out); node1's own answer is not a neighbour.
        Assert.Equal(["fe80::4c4d:b5ff:feb3:3f3d%2", "fe80::64d1:1fff:fe71:2646%2", "fe80::588e:d7ff:fe6b:e8d2%2"], found.Select(a => a.ToString()));
        Assert.All(found, a => Assert.Equal(2, a.ScopeId));
        Assert.Equal("fe80::588e:d7ff:fe6b:e8d2%eth0", LinkLocalNeighbours.Describe(found[2], Eth0));
    }

    [Fact]
    public void Failed_and_incomplete_neighbour_entries_never_answered_and_are_left_out()
    {
        const string table = "fe80::1 lladdr 52:54:00:00:00:01 router STALE\nfe80::2 FAILED\nfe80::3 INCOMPLETE\n10.77.0.12 lladdr 52:54:00:00:00:02 REACHABLE\n";
        Assert.Equal(["fe80::1%2"], LinkLocalNeighbours.Parse(table, Eth0).Select(a => a.ToString()));
    }

    [Fact]
    public void The_discovery_command_reads_both_the_echo_answers_and_the_table() =>
        Assert.Equal("{ ping -6 -n -c 2 -i 0.2 -w 2 ff02::1%eth0 ; ip -6 neigh show dev eth0; } ; ip -4 neigh show dev eth0", LinkLocalNeighbours.Command("eth0").Render());

    [Fact]
    public void The_neighbour_at_the_link_address_a_node_last_had_is_likely_that_node()
    {
        // node1's IPv4 entry outlives the hijack (STALE); its fe80:: neighbour shares its link-layer address.
        const string output = "64 bytes from fe80::64d1:1fff:fe71:2646%eth0: icmp_seq=1 ttl=64 time=0.241 ms\n" +
            "64 bytes from fe80::588e:d7ff:fe6b:e8d2%eth0: icmp_seq=1 ttl=64 time=0.242 ms\n" +
            "fe80::588e:d7ff:fe6b:e8d2 lladdr 5a:8e:d7:6b:e8:d2 DELAY \n" +
            "fe80::64d1:1fff:fe71:2646 lladdr 66:d1:1f:71:26:46 REACHABLE \n" +
            "10.77.0.11 lladdr 5A:8E:D7:6B:E8:D2 STALE \n" +
            "10.77.0.13 lladdr 66:d1:1f:71:26:46 REACHABLE \n" +
            "10.77.0.14 FAILED \n";
        var table = new NeighbourTable(LinkLocalNeighbours.Parse(output, Eth0), LinkLocalNeighbours.LinkAddresses(output));

        Assert.Equal(["fe80::588e:d7ff:fe6b:e8d2%2"], table.Likely([Node1.Address]).Select(a => a.ToString()));
        Assert.Equal(2, table.Likely([Node1.Address, Node3.Address]).Count);
        Assert.Empty(table.Likely([IPAddress.Parse("10.77.0.14")]));   // no usable entry: no hint, every neighbour is asked
    }

    [Fact]
    public void A_neighbour_is_the_node_whose_known_hosts_key_it_offers()
    {
        Assert.Equal("node2", Policy().Identify([Node2, Node3], Where, 22, Key("node2-ed25519")).Name);
        Assert.Equal("node1", Policy().Identify([Node1], Where, 22, Key("node1-rsa")).Name);
    }

    [Fact]
    public void An_unknown_key_on_the_segment_is_refused_and_named_even_with_accept_new()
    {
        var e = Assert.Throws<HostKeyRejectedException>(() => Policy(acceptNew: true).Identify([Node2, Node3], Where, 22, Key("alt-ed25519")));
        Assert.Null(e.Owner);
        Assert.Equal(Where, e.Address);
        Assert.Contains($"the neighbour at {Where} offered a host key no inventory node has", e.Message, StringComparison.Ordinal);
        Assert.Contains(Key("alt-ed25519").Fingerprint, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_node_this_run_reaches_another_way_or_this_machine_itself_is_not_taken()
    {
        var other = Assert.Throws<HostKeyRejectedException>(() => Policy().Identify([Node3], Where, 22, Key("node2-ed25519")));
        Assert.Equal("node2", other.Owner);
        var self = Assert.Throws<HostKeyRejectedException>(() => Policy(local: [Key("node2-ed25519")]).Identify([Node2], Where, 22, Key("node2-ed25519")));
        Assert.True(self.OwnerIsLocal);
    }
}
