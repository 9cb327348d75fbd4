using System.Net;
using Recovery.Addresses;
using Recovery.Kubernetes;

namespace Recovery.Tests.Kubernetes;

/// <summary>
/// Addresses read as `k8s.io/utils/net.ParseIPSloppy` reads them; the cases are those of kubernetes/utils
/// `internal/third_party/forked/golang/net/ip_test.go` (parseIPTests) that matter here.
/// </summary>
public sealed class KubernetesAddressTests
{
    [Theory]
    [InlineData("010.0.0.211", "10.0.0.211")] // .NET's IPAddress.TryParse says 8.0.0.211 (octal)
    [InlineData("10.000.0.0211", "10.0.0.211")]
    [InlineData("127.010.020.030", "127.10.20.30")]
    [InlineData("::ffff:10.0.0.211", "10.0.0.211")]
    [InlineData("::ffff:010.000.000.211", "10.0.0.211")]
    [InlineData("::ffff:0a00:00d3", "10.0.0.211")]
    [InlineData("::0ffff:a00:d3", "10.0.0.211")]
    [InlineData("0:0:0:0:000000:ffff:10.0.0.211", "10.0.0.211")]
    [InlineData("2001:4860:0000:2001:0000:0000:0000:0068", "2001:4860:0:2001::68")]
    [InlineData("fe80::1", "fe80::1")]
    [InlineData("::", "::")]
    public void Reads_what_Kubernetes_reads(string text, string expected)
    {
        Assert.True(KubernetesAddress.TryParse(text, out var address));
        Assert.Equal(IPAddress.Parse(expected), address);
    }

    [Theory]
    [InlineData("10.1")] // .NET reads 10.0.0.1
    [InlineData("167772371")] // .NET reads 10.0.0.211
    [InlineData("0x0a.0.0.1")]
    [InlineData("10.0.0.256")]
    [InlineData("-0.0.0.0")]
    [InlineData(" 10.0.0.211")]
    [InlineData("10.0.0.211 ")]
    [InlineData("fe80::1%eth0")]
    [InlineData("10.0.0.0/24")]
    [InlineData("1::2::3")]
    [InlineData("1:2:3:4:5:6:7:8::")]
    [InlineData("12345::1")]
    [InlineData("master1")]
    [InlineData("")]
    public void Refuses_what_Kubernetes_refuses(string text) => Assert.False(KubernetesAddress.TryParse(text, out _));

    [Fact]
    public void A_mapped_address_equals_its_IPv4_address() =>
        Assert.True(KubernetesAddress.Same(IPAddress.Parse("::ffff:10.0.0.211"), IPAddress.Parse("10.0.0.211")));

    [Theory]
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("255.255.255.255", "broadcast")]
    [InlineData("224.0.0.1", "multicast")]
    [InlineData("10.0.0.300", "is not an IP address; expected an IPv4 or IPv6 address")]
    public void Operator_input_names_why_an_address_is_refused(string text, string problem)
    {
        Assert.False(KubernetesAddress.TryParseHost(text, out _, out var why));
        Assert.Contains(problem, why);
    }

    [Theory]
    [InlineData("--ip", "010.0.0.211")]
    [InlineData("--protect", "::ffff:10.0.0.211")]
    public async Task Cli_reads_addresses_as_Kubernetes_does(string option, string value)
    {
        // Accepted (not exit 2): the value is the same address Kubernetes sees, 10.0.0.211.
        var (exit, _, error) = await Recovery.Tests.Cli.CliRun.RunAsync("version", option, value);
        Assert.True(exit == 0, error);
    }

    [Fact]
    public async Task Cli_refuses_a_host_name_for_an_address_with_exit_2_naming_value_and_expectation() =>
        await Recovery.Tests.Cli.CliRun.AssertRefusedAsync("--ip: 'fe80::1%eth0' is not an IP address; expected an IPv4 or IPv6 address", "version", "--ip", "fe80::1%eth0");
}
