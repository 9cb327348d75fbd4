using System.Net;
using Recovery.Inventory;
using Recovery.Kubernetes.Discovery;
using Recovery.Kubernetes.Etcd;
using Recovery.Kubernetes.Storage;

namespace Recovery.Tests.Kubernetes.Discovery;

public sealed class DiscoveredNodesTests
{
    private static readonly Dictionary<string, string> Master = new() { ["node-role.kubernetes.io/master"] = "" };
    private static readonly Dictionary<string, string> Worker = new() { ["node-role.kubernetes.io/node"] = "" };

    private static NodeObject Read(string name, Dictionary<string, string> labels, params (string, string)[] addresses) =>
        StorageCodec.ReadNode(K8sObjects.Node(name, labels, addresses));

    [Fact]
    public void EtcdComesFromTheMemberListMatchedByAnyOfTheNodesAddresses()
    {
        NodeObject[] objects =
        [
            Read("worker1", Worker, ("InternalIP", "10.0.0.221")),
            Read("master1", Master, ("InternalIP", "10.0.0.211"), ("InternalIP", "fd00::211")),
            Read("master2", Master, ("InternalIP", "10.0.0.213")),
            Read("etcd1", [], ("InternalIP", "10.0.0.231")),
        ];
        EtcdMember[] members =
        [
            new("master1", ["https://[fd00::211]:2380", "https://127.0.0.1:2379"]),
            new("etcd1", ["https://10.0.0.231:2380", "https://10.0.0.231:2379"]),
            new("external", ["https://10.0.0.250:2380"]),
            new("local-only", ["https://127.0.0.1:2379"]),
        ];

        var found = DiscoveredNodes.From(objects, members);

        Assert.Equal(["etcd1", "master1", "master2", "worker1"], found.Nodes.Select(n => n.Name));
        Assert.Equal([NodeRole.Etcd], found.Nodes[0].Roles);
        Assert.Equal([NodeRole.ControlPlane, NodeRole.Etcd], found.Nodes[1].Roles.Order());
        Assert.Equal([NodeRole.ControlPlane], found.Nodes[2].Roles);
        Assert.Empty(found.Nodes[3].Roles);
        Assert.Equal(["external", "local-only"], DiscoveredNodes.UnmatchedMembers(members, objects));
    }

    [Fact]
    public void TheFirstInternalIpIsTheAddressAndTheOthersAreProtected()
    {
        var found = DiscoveredNodes.From([Read("master1", Master, ("ExternalIP", "203.0.113.7"), ("InternalIP", "10.0.0.211"), ("InternalIP", "fd00::211"))], []);

        Assert.Equal(IPAddress.Parse("10.0.0.211"), found.Nodes.Single().Address);
        Assert.Equal(new[] { "203.0.113.7", "fd00::211" }.Select(IPAddress.Parse), found.OtherAddresses);
    }

    [Fact]
    public void NodesWithoutAUsableNameOrAddressAreSkippedWithTheReason()
    {
        var found = DiscoveredNodes.From(
        [
            Read("Bad_Name", Master, ("InternalIP", "10.0.0.211")),
            Read("noaddr", Master, ("Hostname", "noaddr")),
            Read("multicast", Master, ("InternalIP", "224.0.0.1")),
            Read("ok", Worker, ("InternalIP", "10.0.0.221")),
        ], []);

        Assert.Equal(["ok"], found.Nodes.Select(n => n.Name));
        Assert.Equal(3, found.Skipped.Count);
        Assert.Contains(found.Skipped, s => s.Contains("Bad_Name", StringComparison.Ordinal) && s.Contains("not a valid node name", StringComparison.Ordinal));
        Assert.Contains(found.Skipped, s => s.StartsWith("noaddr: no usable InternalIP or ExternalIP", StringComparison.Ordinal));
        Assert.Contains(found.Skipped, s => s.StartsWith("multicast:", StringComparison.Ordinal));
    }
}
