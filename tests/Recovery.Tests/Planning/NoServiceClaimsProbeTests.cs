using System.Net;
using Recovery.Access;
using Recovery.Commands;
using Recovery.Planning;

namespace Recovery.Tests.Planning;

/// <summary>The final check's probe: holds only when an API answered a readable list in which nothing claims the addresses.</summary>
public sealed class NoServiceClaimsProbeTests
{
    private static readonly Probe Check = Probes.NoServiceClaims(new ServiceList("/etc/kubernetes/admin.conf", null), [IPAddress.Parse("10.0.0.211")]);

    private static CommandResult Result(int exit, string stdout) => new(exit, stdout, "", TimeSpan.Zero);

    [Fact]
    public void An_answered_list_without_the_claim_holds()
    {
        Assert.True(Check.HoldsFor(Result(0, """{"kind":"List","items":[{"kind":"Service","metadata":{"name":"a","namespace":"d"},"spec":{"externalIPs":["192.0.2.1"]}}]}""")));
    }

    [Theory]
    [InlineData(1, """{"kind":"List","items":[]}""")] // kubectl 1.20 prints an empty List with a refused connection
    [InlineData(0, "not json")]
    [InlineData(124, """{"kind":"List","items":[]}""")] // timed out
    [InlineData(0, """{"kind":"List","items":[{"kind":"Service","metadata":{"name":"a","namespace":"d"},"spec":{"externalIPs":["010.0.0.211"]}}]}""")]
    public void A_claim_or_a_read_that_proves_nothing_never_holds(int exit, string stdout)
    {
        var result = Result(exit, stdout);
        Assert.False(Check.HoldsFor(result));
        Assert.NotNull(Check.WhyNot(result));
    }

    [Fact]
    public void The_command_reads_through_the_nodes_kubeconfig_and_refuses_a_path_that_is_not_plain()
    {
        Assert.Equal("kubectl --kubeconfig /etc/kubernetes/admin.conf --request-timeout=5s get services -A -o json", Check.Command.Render());
        Assert.Throws<ArgumentException>(() => new ServiceList("admin.conf; rm -rf /", null));
    }
}
