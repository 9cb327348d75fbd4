using System.Net;
using Recovery.Access;
using Recovery.Commands;
using Recovery.Execution;
using Recovery.Inventory;
using Recovery.Planning;
using static Recovery.Tests.Planning.Cluster;

namespace Recovery.Tests.Execution;

/// <summary>
/// The final claims check: it holds only when an API answered a readable list in which nothing claims the addresses;
/// a claim, an unreadable list, a timeout or a kubectl that could not run never holds.
/// </summary>
public sealed class ClaimsCheckTests
{
    private static readonly ClaimsCheck Check = new(new ServiceList("/etc/kubernetes/admin.conf", null), [IPAddress.Parse("10.0.0.211")], TimeSpan.Zero, TimeSpan.FromMilliseconds(300));

    private static Task<(bool Acted, string Detail, CommandResult? Last)> RunAsync(params CommandResult[] answers)
    {
        var fixes = new ServiceFixSteps(new RunnerOptions(Path.GetTempPath()), new NodeShells(Seed(), (_, _) => throw new InvalidOperationException("no other node")), etcd: null);
        return fixes.CheckClaimsAsync(Check, new ScriptedShell(Seed().Nodes[1], answers));
    }

    private static CommandResult Result(int exit, string stdout) => new(exit, stdout, "", TimeSpan.Zero);

    [Fact]
    public async Task An_answered_list_without_the_claim_holds()
    {
        var (held, detail, _) = await RunAsync(Result(0, """{"kind":"List","items":[{"kind":"Service","metadata":{"name":"a","namespace":"d"},"spec":{"externalIPs":["192.0.2.1"]}}]}"""));
        Assert.True(held);
        Assert.StartsWith("no Service claims 10.0.0.211", detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, """{"kind":"List","items":[]}""", "no API answered")] // kubectl 1.20 prints an empty List with a refused connection
    [InlineData(0, "not json", "no readable list")]
    [InlineData(124, """{"kind":"List","items":[]}""", "no API answered")] // timed out
    [InlineData(127, "", "no API answered")] // kubectl not installed
    [InlineData(0, """{"kind":"List","items":[{"kind":"Service","metadata":{"name":"a","namespace":"d"},"spec":{"externalIPs":["010.0.0.211"]}}]}""", "d/a (spec.externalIPs)")]
    public async Task A_claim_or_a_read_that_proves_nothing_never_holds(int exit, string stdout, string why)
    {
        var (held, detail, _) = await RunAsync(Result(exit, stdout));
        Assert.False(held);
        Assert.Contains(why, detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_list_that_answers_on_a_later_try_within_the_budget_holds()
    {
        var (held, _, _) = await RunAsync(Result(1, ""), Result(0, """{"kind":"List","items":[]}"""));
        Assert.True(held);
    }

    [Fact]
    public void The_command_reads_through_the_nodes_kubeconfig_and_refuses_a_path_that_is_not_plain()
    {
        Assert.Equal("kubectl --kubeconfig /etc/kubernetes/admin.conf --request-timeout=5s get services -A -o json", Check.List.Render());
        Assert.Throws<ArgumentException>(() => new ServiceList("admin.conf; rm -rf /", null));
    }

    /// <summary>Answers each command with the next result, the last one again once they run out.</summary>
    private sealed class ScriptedShell(Node node, CommandResult[] answers) : ShellDouble(node)
    {
        private int next;

        public override Task<CommandResult> RunAsync(ShellCommand command, TimeSpan timeout, CancellationToken cancellationToken = default) =>
            Task.FromResult(answers[Math.Min(next++, answers.Length - 1)]);
    }
}
