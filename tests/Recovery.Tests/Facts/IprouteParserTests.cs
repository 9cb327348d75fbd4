using System.Net;
using Recovery.Facts.Parsing;
using Recovery.Tests.Fixtures;

namespace Recovery.Tests.Facts;

/// <summary>iproute2 parsers against real outputs captured in network namespaces (Fixtures/iproute2).</summary>
public sealed class IprouteParserTests
{
    private static readonly IPAddress Node1 = IPAddress.Parse("10.77.0.11");

    [Theory]
    [InlineData("iproute2/node2-ip-j-addr-show.json")]
    [InlineData("iproute2/node2-ip-o-addr-show.txt")]
    public void Addresses_of_a_hijacked_node_show_node1_on_kube_ipvs0(string file)
    {
        var addresses = IpAddrOutput.Parse(Fixture.Read(file));

        Assert.Equal(
            ["lo 127.0.0.1/8", "lo ::1/128", "eth0 10.77.0.12/24", "eth0 fe80::aff:fe4d:12/64", "kube-ipvs0 10.96.0.1/32", "kube-ipvs0 10.77.0.11/32"],
            addresses.Select(a => $"{a.Interface} {a.Address}/{a.PrefixLength}"));
    }

    [Fact]
    public void Json_and_one_line_forms_agree_for_the_owner()
    {
        var json = IpAddrOutput.Parse(Fixture.Read("iproute2/node1-ip-j-addr-show.json"));
        var text = IpAddrOutput.Parse(Fixture.Read("iproute2/node1-ip-o-addr-show.txt"));

        Assert.Equal(json, text);
        Assert.Equal(2, json.Count(a => a.Address.Equals(Node1)));
    }

    [Fact]
    public void Addresses_reject_broken_json_with_a_clear_message()
    {
        var e = Assert.Throws<FormatException>(() => IpAddrOutput.Parse("[{\"ifname\": "));
        Assert.Contains("ip -j addr show", e.Message);
    }

    [Fact]
    public void Route_get_of_a_hijacked_address_is_local_via_lo()
    {
        var route = Assert.Single(IpRouteGetOutput.Parse(Fixture.Read("iproute2/node2-ip-route-get-hijacked.txt")));

        Assert.Equal(Node1, route.Destination);
        Assert.True(route.IsLocal);
        Assert.Equal("lo", route.Device);
        Assert.Equal(Node1, route.Source);
    }

    [Fact]
    public void Route_get_of_a_normal_address_is_unicast_via_eth0()
    {
        var route = Assert.Single(IpRouteGetOutput.Parse(Fixture.Read("iproute2/node2-ip-route-get-normal.txt")));

        Assert.Equal(IPAddress.Parse("10.77.0.13"), route.Destination);
        Assert.False(route.IsLocal);
        Assert.Equal("unicast", route.Type);
        Assert.Equal("eth0", route.Device);
        Assert.Equal(IPAddress.Parse("10.77.0.12"), route.Source);
    }

    [Theory]
    [InlineData("iproute2/node2-ip-j-route-get-hijacked.json", "local", "lo")]
    [InlineData("iproute2/node2-ip-j-route-get-normal.json", "unicast", "eth0")]
    public void Route_get_json_form(string file, string type, string device)
    {
        var route = Assert.Single(IpRouteGetOutput.Parse(Fixture.Read(file)));

        Assert.Equal(type, route.Type);
        Assert.Equal(device, route.Device);
    }

    [Fact]
    public void Chained_route_gets_give_one_answer_per_address_in_order()
    {
        var routes = IpRouteGetOutput.Parse(Fixture.Read("scenarios/seed/node2/route-get.txt"));

        Assert.Equal(["10.77.0.11 local", "10.77.0.12 local", "10.77.0.13 unicast", "10.77.0.250 unicast"],
            routes.Select(r => $"{r.Destination} {r.Type}"));
    }

    [Fact]
    public void An_error_message_is_not_a_route()
    {
        Assert.Empty(IpRouteGetOutput.Parse(Fixture.Read("iproute2/node2-ip-route-get-unreachable.txt")));
    }

    [Fact]
    public void After_recovery_node1_routes_off_the_node_again()
    {
        var route = Assert.Single(IpRouteGetOutput.Parse(Fixture.Read("iproute2/node3-recovered-ip-route-get.txt")));
        Assert.False(route.IsLocal);
        Assert.DoesNotContain(IpAddrOutput.Parse(Fixture.Read("iproute2/node3-recovered-ip-j-addr-show.json")), a => a.Address.Equals(Node1));
    }

    [Fact]
    public void Local_table_of_the_owner_keeps_both_local_routes()
    {
        var routes = LocalRouteTable.Parse(Fixture.Read("iproute2/node1-ip-route-show-table-local.txt"));

        var node1Routes = routes.Where(r => Node1.Equals(r.HostAddress)).Select(r => $"{r.Type} {r.Device}").ToList();
        Assert.Equal(["local eth0", "local kube-ipvs0"], node1Routes);
        Assert.Null(routes.Single(r => r.Destination == "127.0.0.0/8").HostAddress);
    }

    [Fact]
    public void Local_table_text_and_json_agree()
    {
        var text = LocalRouteTable.Parse(Fixture.Read("iproute2/node2-ip-route-show-table-local.txt"));
        var json = LocalRouteTable.Parse(Fixture.Read("iproute2/node2-ip-j-route-show-table-local.json"));

        Assert.Equal(text, json);
        Assert.Contains(text, r => r.Type == "local" && r.Device == "kube-ipvs0" && Node1.Equals(r.HostAddress));
    }
}
