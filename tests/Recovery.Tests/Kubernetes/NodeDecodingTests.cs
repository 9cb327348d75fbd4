using System.Net;
using System.Text;
using Recovery.Kubernetes.Storage;

namespace Recovery.Tests.Kubernetes;

/// <summary>
/// Nodes as discovery reads them: from kubernetes/kubernetes' own serialised Node (JSON storage and the API's form),
/// and from protobuf values assembled with the field numbers of k8s.io/api core/v1 generated.proto.
/// </summary>
public sealed class NodeDecodingTests
{
    private static byte[] UpstreamNode() => File.ReadAllBytes(Path.Combine(Fixtures.Directory("kubernetes"), "core.v1.Node.json"));

    [Fact]
    public void UpstreamJsonNodeReadsAsKubernetesWroteIt()
    {
        var node = StorageCodec.ReadNode(UpstreamNode());

        Assert.Equal("nameValue", node.Name);
        Assert.Equal(new Dictionary<string, string> { ["labelsKey"] = "labelsValue" }, node.Labels);
        Assert.Equal([new NodeAddress("typeValue", "addressValue")], node.Addresses);
        Assert.Empty(node.NodeAddresses); // neither an InternalIP nor an ExternalIP, nor an address
        Assert.Null(node.InternalAddress);
    }

    [Fact]
    public void TheApisNodeListGivesEachItem()
    {
        var item = Encoding.UTF8.GetString(UpstreamNode());
        var list = Encoding.UTF8.GetBytes($"{{\"kind\":\"NodeList\",\"apiVersion\":\"v1\",\"metadata\":{{\"resourceVersion\":\"9\"}},\"items\":[{item},{item.Replace("nameValue", "second", StringComparison.Ordinal)}]}}");

        var nodes = JsonObjectReader.NodeList(list);

        Assert.Equal(["nameValue", "second"], nodes.Select(n => n.Name));
        Assert.All(nodes, n => Assert.Equal("labelsValue", n.Labels["labelsKey"]));
    }

    [Fact]
    public void EveryInternalAndExternalAddressOfBothFamiliesCountsOnceInTheKubeletsOrder()
    {
        var node = StorageCodec.ReadNode(K8sObjects.Node("master1", new Dictionary<string, string> { ["node-role.kubernetes.io/control-plane"] = "" },
            ("Hostname", "master1"), ("InternalIP", "10.0.0.211"), ("InternalIP", "fd00::211"), ("ExternalIP", "203.0.113.7"),
            ("ExternalIP", "::ffff:10.0.0.211"), ("InternalDNS", "master1.lan"), ("InternalIP", "not-an-address")));

        Assert.Equal("", node.Labels["node-role.kubernetes.io/control-plane"]);
        Assert.Equal(IPAddress.Parse("10.0.0.211"), node.InternalAddress);
        Assert.Equal(new[] { "10.0.0.211", "fd00::211", "203.0.113.7" }.Select(IPAddress.Parse), node.NodeAddresses);
    }

    [Fact]
    public void ANodeWithOnlyAnExternalIpHasNoInternalAddress()
    {
        var node = StorageCodec.ReadNode(K8sObjects.Node("edge1", new Dictionary<string, string>(), ("ExternalIP", "2001:db8::7")));

        Assert.Null(node.InternalAddress);
        Assert.Equal([IPAddress.Parse("2001:db8::7")], node.NodeAddresses);
    }
}
