using System.Net;
using System.Runtime.InteropServices;
using Recovery.Access;
using Recovery.Facts;
using Recovery.Inventory;

namespace Recovery.Tests.Access;

public sealed class LocalNodeFinderTests
{
    private static readonly ClusterInventory Inventory = new("lab", new SshSettings(), [],
    [
        new Node("node1", IPAddress.Parse("10.77.0.11"), new HashSet<NodeRole> { NodeRole.ControlPlane }),
        new Node("node2", IPAddress.Parse("10.77.0.12"), new HashSet<NodeRole> { NodeRole.ControlPlane }),
        new Node("node3", IPAddress.Parse("10.77.0.13"), new HashSet<NodeRole>()),
    ]);

    private static InterfaceAddress At(string device, string address, int prefix = 24) => new(device, IPAddress.Parse(address), prefix);

    [Fact]
    public void Address_on_a_real_interface_makes_the_node_local_and_ipvs_copies_are_hijacks()
    {
        var found = LocalNodeFinder.Find(Inventory, [At("lo", "127.0.0.1", 8), At("eth0", "10.77.0.12"), At("kube-ipvs0", "10.77.0.11", 32), At("kube-ipvs0", "10.96.0.1", 32)]);
        Assert.Equal("node2", found.Node?.Name);
        Assert.Equal("10.77.0.12 is on eth0 here", found.Reason);
        Assert.Equal(["node1"], found.HijackedHere.Select(n => n.Name));
    }

    [Fact]
    public void Address_only_on_kube_ipvs0_is_not_ownership()
    {
        var found = LocalNodeFinder.Find(Inventory, [At("eth0", "10.77.0.50"), At("kube-ipvs0", "10.77.0.11", 32)]);
        Assert.Null(found.Node);
        Assert.Equal(["node1"], found.HijackedHere.Select(n => n.Name));
    }

    [Fact]
    public void Owner_with_its_own_address_also_on_kube_ipvs0_is_still_itself()
    {
        var found = LocalNodeFinder.Find(Inventory, [At("eth0", "10.77.0.11"), At("kube-ipvs0", "10.77.0.11", 32)]);
        Assert.Equal("node1", found.Node?.Name);
        Assert.Empty(found.HijackedHere);
        // The owner's sign that the others hold its address too: their replies will not come back here.
        Assert.True(found.OwnAddressBound);
        Assert.False(LocalNodeFinder.Find(Inventory, [At("eth0", "10.77.0.11")]).OwnAddressBound);
        Assert.False(LocalNodeFinder.Find(Inventory, [At("eth0", "10.77.0.12"), At("kube-ipvs0", "10.77.0.11", 32)]).OwnAddressBound);
    }

    [Fact]
    public void Override_wins_and_an_unknown_override_names_the_choices()
    {
        Assert.Equal("node3", LocalNodeFinder.Find(Inventory, [At("eth0", "10.77.0.12")], "node3").Node?.Name);
        var error = Assert.Throws<LocalNodeException>(() => LocalNodeFinder.Find(Inventory, [], "nodeX"));
        Assert.Contains("node1, node2, node3", error.Message);
    }

    [Fact]
    public void Two_inventory_addresses_on_real_interfaces_ask_for_local()
    {
        var error = Assert.Throws<LocalNodeException>(() => LocalNodeFinder.Find(Inventory, [At("eth0", "10.77.0.11"), At("eth1", "10.77.0.12")]));
        Assert.Contains("--local", error.Message);
    }

    /// <summary>
    /// System.Net.NetworkInformation inside a real network namespace (the lab's shape): a bridge holding node2's
    /// address and a down bridge named kube-ipvs0 holding node1's /32, as kube-proxy leaves it. The lookup runs on a
    /// dedicated thread moved into the namespace with setns(2), which affects only that thread.
    /// </summary>
    [SkippableFact]
    public void Reads_interfaces_inside_a_network_namespace()
    {
        Skip.IfNot(Environment.UserName == "root" && Processes.Exists("ip"), "needs root and iproute2");
        var name = $"kr-access-{Environment.ProcessId}-{Random.Shared.Next(1000, 9999)}";
        if (Processes.Run("ip", "netns", "add", name).Exit != 0) throw new SkipException("cannot create a network namespace here");
        try
        {
            void In(params string[] args) => Processes.MustRun("ip", ["netns", "exec", name, "ip", .. args]);
            In("link", "add", "eth-lab", "type", "bridge");
            In("addr", "add", "10.77.0.12/24", "dev", "eth-lab");
            In("link", "set", "eth-lab", "up");
            In("link", "add", "kube-ipvs0", "type", "bridge");
            In("addr", "add", "10.77.0.11/32", "dev", "kube-ipvs0");
            IReadOnlyList<InterfaceAddress>? seen = null;
            Exception? failure = null;
            var thread = new Thread(() =>
            {
                try
                {
                    using var ns = File.OpenHandle($"/run/netns/{name}");
                    if (SetNs(ns.DangerousGetHandle().ToInt32(), CloneNewNet) != 0) throw new InvalidOperationException($"setns failed: {Marshal.GetLastPInvokeError()}");
                    seen = LocalNodeFinder.ReadLocalAddresses();
                }
                catch (Exception e)
                {
                    failure = e;
                }
            });
            thread.Start();
            thread.Join();
            if (failure is not null) throw failure;
            Assert.Contains(seen!, a => a.Interface == "kube-ipvs0" && a.Address.Equals(IPAddress.Parse("10.77.0.11")) && a.PrefixLength == 32);
            Assert.Contains(seen!, a => a.Interface == "eth-lab" && a.Address.Equals(IPAddress.Parse("10.77.0.12")) && a.PrefixLength == 24);
            var found = LocalNodeFinder.Find(Inventory, seen!);
            Assert.Equal("node2", found.Node?.Name);
            Assert.Equal(["node1"], found.HijackedHere.Select(n => n.Name));
        }
        finally
        {
            Processes.Run("ip", "netns", "del", name);
        }
    }

    private const int CloneNewNet = 0x40000000;

    [DllImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static extern int SetNs(int fd, int nstype);
}
