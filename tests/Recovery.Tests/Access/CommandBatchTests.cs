using Recovery.Access;

namespace Recovery.Tests.Access;

/// <summary>
/// A batch's output must be one frame per command that ran, in order, cut short only by a command that had to succeed
/// and failed; anything else is no result (for a step's acts: a failure saying they may have run).
/// </summary>
public sealed class CommandBatchTests
{
    private static CommandResult Output(string stdout, int exit = 0) => new(exit, stdout, "", TimeSpan.FromSeconds(1));

    [Fact]
    public void Frames_in_order_give_one_result_each()
    {
        var results = CommandBatch.Parse(Output("kube-recover-result 0 0  \nkube-recover-result 1 3 b2s= ZXJyCg==\n"), 2);
        Assert.NotNull(results);
        Assert.Equal([(0, "", ""), (3, "ok", "err\n")], results.Select(r => (r.ExitCode, r.StdOut, r.StdErr)));
    }

    [Fact]
    public void A_batch_cut_short_by_a_command_that_had_to_succeed_gives_the_results_up_to_it()
    {
        var results = CommandBatch.Parse(Output("kube-recover-result 0 0  \nkube-recover-result 1 1  \n"), 3, mustSucceed: 2);
        Assert.Equal([0, 1], results!.Select(r => r.ExitCode));
    }

    [Theory]
    [InlineData("kube-recover-result 0 0  \n", 0, 0)] // one frame short, nothing had to succeed
    [InlineData("kube-recover-result 0 1  \n", 0, 0)] // cut short by a command that did not have to succeed
    [InlineData("kube-recover-result 0 0  \n", 0, 2)] // cut short after a success
    [InlineData("kube-recover-result 1 0  \nkube-recover-result 0 0  \n", 0, 0)] // out of order
    [InlineData("kube-recover-result 0 0 !! \nkube-recover-result 1 0  \n", 0, 0)] // not base64
    [InlineData("kube-recover-result 0 0 \nkube-recover-result 1 0 \n", 0, 0)] // no stderr field
    [InlineData("sudo: a password is required\n", 1, 0)] // the batch itself failed
    [InlineData("", 0, 0)]
    [InlineData("kube-recover-result 0 -1  \nkube-recover-result 1 0  \n", 0, 0)]
    public void Anything_else_is_no_result(string stdout, int exit, int mustSucceed)
    {
        Assert.Null(CommandBatch.Parse(Output(stdout, exit), 2, mustSucceed));
    }
}
