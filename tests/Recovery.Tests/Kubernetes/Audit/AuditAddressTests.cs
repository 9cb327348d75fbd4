using System.Net;
using Recovery.Addresses;
using Recovery.Kubernetes;
using Recovery.Prevention.Audit;

namespace Recovery.Tests.Kubernetes.Audit;

/// <summary>Audit reads addresses through the product's one parser (KubernetesAddress) and pool ranges with AddressRange.</summary>
public class AuditAddressTests
{
    [Theory]
    [InlineData("10.0.0.211", "10.0.0.211")]
    [InlineData("010.0.0.211", "10.0.0.211")]     // ParseIPSloppy: decimal with leading zeros (.NET alone reads octal 8.0.0.211)
    [InlineData("10.000.0.0211", "10.0.0.211")]
    [InlineData("::ffff:10.0.0.211", "10.0.0.211")] // IPv4-mapped IPv6 is its IPv4 address
    [InlineData("::FFFF:a00:d3", "10.0.0.211")]
    [InlineData("::ffff:010.0.0.211", "10.0.0.211")]
    [InlineData("FD00:77:0::013", "fd00:77::13")]
    public void Reads_addresses_as_kubernetes_does(string text, string expected)
    {
        Assert.True(KubernetesAddress.TryParse(text, out var address));
        Assert.Equal(IPAddress.Parse(expected), address);
    }

    [Theory]
    [InlineData("10.0.0")]
    [InlineData("10.0.0.256")]
    [InlineData("0x0a.0.0.1")]
    [InlineData("10.1")]
    [InlineData("lb.example.com")]
    [InlineData("fe80::1%eth0")]
    [InlineData("10.0.0.0/24")]
    [InlineData("")]
    public void Refuses_what_is_not_an_address(string text) => Assert.False(KubernetesAddress.TryParse(text, out _));

    [Fact]
    public void Ranges_contain_only_their_family_and_bounds()
    {
        var guarded = new[] { IPAddress.Parse("10.77.0.11"), IPAddress.Parse("10.77.0.12"), IPAddress.Parse("fd00:77::13") };
        Assert.Equal([guarded[0], guarded[1]], AddressRange.Parse("10.77.0.10-10.77.0.12")!.Within(guarded));
        Assert.Empty(AddressRange.Parse("10.77.0.12 - 10.77.0.11")!.Within(guarded.Take(1)));
        Assert.Equal([guarded[2]], AddressRange.Parse("fd00:77::/120")!.Within(guarded));
        Assert.Equal([guarded[0], guarded[1]], AddressRange.Parse("10.77.0.5/24")!.Within(guarded));
        Assert.Null(AddressRange.Parse("10.77.0.0/33"));
    }
}
