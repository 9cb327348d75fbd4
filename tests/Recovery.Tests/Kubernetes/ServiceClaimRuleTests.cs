using System.Net;
using Recovery.Diagnosis;
using Recovery.Facts;
using Recovery.Inventory;
using Recovery.Kubernetes;
using Recovery.Kubernetes.Storage;

namespace Recovery.Tests.Kubernetes;

/// <summary>The one claim rule, and the paths that must agree with it (kubectl reader, etcd object, strips, inventory).</summary>
public sealed class ServiceClaimRuleTests
{
    private static readonly IPAddress Node1 = IPAddress.Parse("10.0.0.211");

    [Fact]
    public void Every_claiming_field_is_named_and_the_ClusterIP_only_against_watched_addresses()
    {
        var fields = new ServiceAddressFields(["10.0.0.250", "010.0.0.211"], ["::ffff:10.0.0.211"], "10.0.0.211", ["10.0.0.211"]);

        Assert.Equal([ClaimField.ExternalIPs, ClaimField.ExternalIPs, ClaimField.LoadBalancerIngress, ClaimField.LoadBalancerIP],
            ServiceClaimRule.Claims(fields).Select(c => c.Field));
        var onNode = ServiceClaimRule.ClaimsOn(fields, [Node1]);
        Assert.Equal([ClaimField.ExternalIPs, ClaimField.LoadBalancerIngress, ClaimField.LoadBalancerIP, ClaimField.ClusterIP], onNode.Select(c => c.Field));
        Assert.All(onNode, c => Assert.Equal(Node1, c.Address));
        Assert.Equal("010.0.0.211", onNode[0].Text); // kept as written, for the patch's test operation
    }

    [Fact]
    public void An_unparsable_entry_claims_nothing() =>
        Assert.Empty(ServiceClaimRule.Claims(new ServiceAddressFields(["10.1", "node1", " 10.0.0.211"], [], "", [])));

    [Fact]
    public void Kubectl_reader_sees_a_leading_zero_claim_and_the_loadBalancerIP_and_a_ClusterIP_on_a_node()
    {
        const string json = """
            {"kind":"List","items":[
              {"kind":"Service","metadata":{"name":"zero","namespace":"default"},"spec":{"clusterIP":"10.96.0.9","externalIPs":["010.0.0.211"]}},
              {"kind":"Service","metadata":{"name":"asked","namespace":"default"},"spec":{"clusterIP":"10.96.0.8","type":"LoadBalancer","loadBalancerIP":"10.0.0.211"}},
              {"kind":"Service","metadata":{"name":"cip","namespace":"default"},"spec":{"clusterIP":"10.0.0.211","clusterIPs":["10.0.0.211"]}},
              {"kind":"Service","metadata":{"name":"plain","namespace":"default"},"spec":{"clusterIP":"10.96.0.7"}}]}
            """;
        var claims = KubectlServiceClaims.Parse(json, "kubectl", [Node1]);

        Assert.Equal(["default/zero", "default/asked", "default/cip"], claims.Select(c => c.Service.ToString()));
        Assert.Equal(["spec.externalIPs"], claims[0].FieldsClaiming(Node1));
        Assert.Equal(["spec.loadBalancerIP"], claims[1].FieldsClaiming(Node1));
        Assert.Equal(["spec.clusterIP"], claims[2].FieldsClaiming(Node1));
    }

    [Fact]
    public void Stored_service_claims_by_the_same_rule_and_the_strip_removes_what_Kubernetes_reads_as_the_address()
    {
        var value = K8sObjects.Service("default", "zero", "u-1", "10.96.0.9", ["010.0.0.211", "10.0.0.250"], ["::ffff:10.0.0.211"]);
        var service = StorageCodec.ReadService(value);
        Assert.True(service.Claims(Node1));
        Assert.False(service.Claims(IPAddress.Parse("8.0.0.211"))); // what .NET's parser would have read

        var strip = StorageCodec.Strip(value, [Node1]);
        Assert.Equal(["010.0.0.211"], strip.RemovedExternalIPs);
        Assert.Equal(["::ffff:10.0.0.211"], strip.RemovedIngressIPs);
        Assert.Equal(["10.0.0.250"], StorageCodec.ReadService(strip.Value).ExternalIPs);
    }

    [Fact]
    public void Inventory_reads_node_addresses_as_Kubernetes_does()
    {
        var inventory = InventoryLoader.FromNodeOptions(["master1=010.0.0.211", "master2=::ffff:10.0.0.213"], new SshSettings(), []);
        Assert.Equal([Node1, IPAddress.Parse("10.0.0.213")], inventory.Nodes.Select(n => n.Address));
        var e = Assert.Throws<InventoryException>(() => InventoryLoader.FromNodeOptions(["a=10.0.0.211", "b=010.0.0.211"], new SshSettings(), []));
        Assert.Contains("address 10.0.0.211 is used by a, b", e.Message);
    }
}
