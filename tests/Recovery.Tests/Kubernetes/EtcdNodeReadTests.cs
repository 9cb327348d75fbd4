using System.Text.Json;
using Recovery.Kubernetes.Etcd;

namespace Recovery.Tests.Kubernetes;

/// <summary>The Node scan and member list discovery uses, against a real etcd 3.4 (compared with etcdctl's reading).</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class EtcdNodeReadTests(EtcdFixture etcd) : IClassFixture<EtcdFixture>
{
    [Fact]
    public async Task NodesUnderThePrefixAreReadAndAnUnreadableOneIsNamed()
    {
        var prefix = $"/kr{Guid.NewGuid():N}";
        etcd.Put($"{prefix}/minions/master1", K8sObjects.Node("master1", "10.77.0.11"));
        etcd.Put($"{prefix}/minions/master2", K8sObjects.Node("master2", "10.77.0.12"));
        etcd.Put($"{prefix}/minions/garbage", [1, 2, 3]);
        etcd.Put($"{prefix}/minionsx/not-a-node", K8sObjects.Node("nope", "10.77.0.99"));
        using var store = EtcdStore.Connect(etcd.Connection(prefix));

        var nodes = await store.ReadNodesAsync(CancellationToken.None);

        Assert.Equal([$"{prefix}/minions/garbage", $"{prefix}/minions/master1", $"{prefix}/minions/master2"], nodes.Select(n => n.Key));
        Assert.Null(nodes[0].Node);
        Assert.NotNull(nodes[0].Problem);
        Assert.Equal(["master1", "master2"], nodes.Skip(1).Select(n => n.Node!.Name));
    }

    [Fact]
    public async Task MembersAreListedAsEtcdctlListsThem()
    {
        using var store = EtcdStore.Connect(etcd.Connection("/registry"));

        var members = await store.ListMembersAsync(CancellationToken.None);

        var expected = JsonDocument.Parse(etcd.Etcdctl("member", "list", "-w", "json")).RootElement.GetProperty("members").EnumerateArray()
            .Select(m => (m.GetProperty("name").GetString(), m.GetProperty("peerURLs").EnumerateArray().Concat(m.GetProperty("clientURLs").EnumerateArray()).Select(u => u.GetString()).ToList()))
            .ToList();
        Assert.Equal(expected, members.Select(m => ((string?)m.Name, m.Urls.Select(u => (string?)u).ToList())));
    }
}
