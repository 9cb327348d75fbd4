namespace Recovery.Tests.Cli;

public class AuditGuardCliTests
{
    [Theory]
    [InlineData("--cidr", "guard", "--cidr", "fd00::/64")]
    [InlineData("--cidr", "guard", "--cidr", "10.0.0.0/33")]
    [InlineData("--cidr", "guard", "--cidr", "10.0.0.1-10.0.0.9")]
    [InlineData("--kubeconfig", "audit", "--kubeconfig", "/nonexistent/kubeconfig")]
    public async Task Bad_input_exits_2_naming_the_option(string expected, params string[] args) => await CliRun.AssertRefusedAsync(expected, args);

    [Fact]
    public async Task Guard_with_cidrs_prints_the_policy_even_without_a_cluster()
    {
        var run = await CliRun.RunAsync("guard", "--cidr", "10.0.0.0/24", "--protect", "10.1.0.200", "--kubeconfig", "/dev/null");
        Assert.True(run.Exit == 0, run.Err);
        Assert.Contains("kind: ValidatingAdmissionPolicyBinding", run.Out, StringComparison.Ordinal);
        Assert.Contains("Guarded: 10.0.0.0/24 (--cidr), 10.1.0.200 (--protect)", run.Out, StringComparison.Ordinal);
        Assert.Contains("Cluster version unknown", run.Out, StringComparison.Ordinal);
    }
}
