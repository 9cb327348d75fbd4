using Recovery.Access;
using Recovery.Planning;

namespace Recovery.Tests.Planning;

/// <summary>
/// DESIGN.md guarantee 9: a check that could not run (tool missing: 126/127; timed out: 124/137) never holds. Before
/// the fix `Fails` counted exit 127 as holding, so on a node without curl kube-proxy's stop check passed at once.
/// </summary>
public sealed class UnrunnableCheckTests
{
    private static CommandResult Exit(int code) => new(code, "", code == 127 ? "sh: 1: curl: not found" : "", TimeSpan.FromMilliseconds(1));

    [Theory]
    [InlineData(126)]
    [InlineData(127)]
    [InlineData(124)]
    [InlineData(137)]
    public void A_check_that_could_not_run_does_not_hold(int code)
    {
        Assert.False(Probes.ProxySilent().HoldsFor(Exit(code)));
        Assert.False(Probes.UnitInactive("kube-proxy").HoldsFor(Exit(code)));
        Assert.False(Probes.ProxyAnswers().HoldsFor(Exit(code)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    public void A_check_that_ran_and_said_no_still_holds_for_fails(int code) =>
        Assert.True(Probes.ProxySilent().HoldsFor(Exit(code)));

    [Fact]
    public void The_kube_proxy_checks_fall_back_to_bash_dev_tcp_where_curl_is_missing()
    {
        var rendered = Probes.ProxySilent().Command.Render();
        Assert.StartsWith("curl -s -m 3 http://127.0.0.1:10249/proxyMode || timeout 3 bash -c ", rendered, StringComparison.Ordinal);
        Assert.Contains("/dev/tcp/127.0.0.1/10249", rendered, StringComparison.Ordinal);
        // Fact collection reads kube-proxy with the very same command.
        Assert.Equal(Recovery.Facts.ProbeCommands.ProxyMode, Probes.ProxyAnswers().Command.ToShell());
    }

    [Theory]
    [InlineData("exit 127", false)]
    [InlineData("exit 126", false)]
    [InlineData("exit 124", false)]
    [InlineData("exit 0", false)]
    [InlineData("exit 3", true)]
    public void The_script_form_of_a_fails_check_agrees(string body, bool holds)
    {
        // The same rule in the printed script: run the condition in bash and read its verdict.
        var probe = Probe.Fails(new Recovery.Commands.CustomCommand(["sh", "-c", body]));
        var result = Recovery.Tests.Access.Processes.Run("bash", "-c", $"if {ProbeScript.Condition(probe)}; then echo holds; else echo open; fi").StdOut;
        Assert.Equal(holds ? "holds" : "open", result.Trim());
    }

    [Theory]
    [InlineData("exit 127", false)]
    [InlineData("exit 1", true)]
    [InlineData("echo 10.0.0.211", false)]
    public void The_script_form_of_a_prints_nothing_check_agrees(string body, bool holds)
    {
        var probe = Probe.PrintsNothing(new Recovery.Commands.CustomCommand(["sh", "-c", body]));
        var result = Recovery.Tests.Access.Processes.Run("bash", "-c", $"if {ProbeScript.Condition(probe)}; then echo holds; else echo open; fi").StdOut;
        Assert.Equal(holds ? "holds" : "open", result.Trim());
    }
}
