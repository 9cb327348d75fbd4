using System.Net;
using Recovery.Diagnosis;
using Recovery.Facts;
using Recovery.Kubernetes;
using Recovery.Tests.Fixtures;

namespace Recovery.Tests.Diagnosis;

/// <summary>Service claims from what kubectl 1.20 prints (Fixtures/kubectl/services-list.json).</summary>
public sealed class KubectlServiceClaimsTests
{
    [Fact]
    public void Only_services_with_external_or_ingress_addresses_are_claims()
    {
        var claims = KubectlServiceClaims.Parse(Fixture.Read("kubectl/services-list.json"), "kubectl on node2");

        Assert.Equal(["default/nginx-service", "ingress-nginx/ingress-nginx-controller", "ops/legacy-gw"], claims.Select(c => c.Service.ToString()));
        Assert.All(claims, c => Assert.Equal("kubectl on node2", c.Source));
    }

    [Fact]
    public void External_ips_and_ingress_ips_are_kept_apart()
    {
        var claims = KubectlServiceClaims.Parse(Fixture.Read("kubectl/services-list.json"), "kubectl");

        var nginx = claims[0];
        Assert.Equal([IPAddress.Parse("10.77.0.11")], nginx.ExternalIPs);
        Assert.Empty(nginx.IngressIPs);
        Assert.Equal(["spec.externalIPs"], nginx.FieldsClaiming(IPAddress.Parse("10.77.0.11")));

        var ingress = claims[1];
        Assert.Empty(ingress.ExternalIPs);
        Assert.Equal([IPAddress.Parse("10.77.0.13")], ingress.IngressIPs);
        Assert.Equal(["status.loadBalancer.ingress"], ingress.FieldsClaiming(IPAddress.Parse("10.77.0.13")));

        Assert.Equal([IPAddress.Parse("10.77.0.250"), IPAddress.Parse("10.77.0.12")], claims[2].ExternalIPs);
    }

    [Fact]
    public void A_claims_ports_come_from_its_spec_and_name_the_ipvs_virtual_servers_to_remove()
    {
        var claims = KubectlServiceClaims.Parse(Fixture.Read("kubectl/services-list.json"), "kubectl");

        Assert.Equal([new ServicePort("tcp", 80)], claims[0].Ports);
        Assert.Equal([new ServicePort("tcp", 80), new ServicePort("tcp", 443)], claims[1].Ports);
        // Only the Services claiming the hijacked address give ports; none claiming it read: unknown (null), not "none".
        Assert.Equal([new ServicePort("tcp", 80), new ServicePort("tcp", 443)], ServiceClaim.PortsClaiming(claims, [IPAddress.Parse("10.77.0.13")]));
        Assert.Equal([new ServicePort("tcp", 8443)], ServiceClaim.PortsClaiming(claims, [IPAddress.Parse("10.77.0.12")]));
        Assert.Null(ServiceClaim.PortsClaiming(claims, [IPAddress.Parse("10.77.0.99")]));
    }

    [Fact]
    public void The_list_kubectl_get_prints_is_read()
    {
        // Real: kubectl 1.20 `get services -A -o json` prints this empty List (and exits 1) when the API refuses.
        Assert.Empty(KubectlServiceClaims.Parse(Fixture.Read("kubectl/get-services-refused.stdout"), "kubectl"));
    }

    [Fact]
    public void A_list_holding_services_is_read_item_by_item()
    {
        // The List wrapper `kubectl get services -A -o json` puts around the items (apiVersion, items, kind, metadata).
        var item = Fixture.Read("kubectl/services-list.json");
        var firstObjectEnd = FirstObjectEnd(item);
        var list = "{\"apiVersion\": \"v1\", \"items\": [" + item[..firstObjectEnd] + "], \"kind\": \"List\", \"metadata\": {\"resourceVersion\": \"\", \"selfLink\": \"\"}}";

        Assert.Empty(KubectlServiceClaims.Parse(list, "kubectl")); // the first object is the kubernetes Service: no claim
        var second = item[firstObjectEnd..].TrimStart();
        var withNginx = "{\"apiVersion\": \"v1\", \"items\": [" + second[..FirstObjectEnd(second)] + "], \"kind\": \"List\"}";
        Assert.Equal("default/nginx-service", Assert.Single(KubectlServiceClaims.Parse(withNginx, "kubectl")).Service.ToString());
    }

    [Theory]
    [InlineData("error: the server doesn't have a resource type \"services\"")]
    [InlineData("{\"items\": []}")]
    [InlineData("[1, 2]")]
    public void Anything_else_is_refused_with_a_message_naming_the_expected_input(string text)
    {
        var e = Assert.Throws<FormatException>(() => KubectlServiceClaims.Parse(text, "kubectl"));
        Assert.Contains("kubectl get services -A -o json", e.Message);
    }

    private static int FirstObjectEnd(string json)
    {
        var depth = 0;
        for (var i = 0; i < json.Length; i++)
        {
            if (json[i] == '{') depth++;
            else if (json[i] == '}' && --depth == 0) return i + 1;
        }
        throw new InvalidDataException("no object");
    }
}
