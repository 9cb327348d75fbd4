using Recovery.Access;

namespace Recovery.Tests.Access;

/// <summary>A batch's output that is not exactly one frame per command, in order, is no result: the commands are then sent one by one.</summary>
public sealed class CommandBatchTests
{
    private static CommandResult Output(string stdout, int exit = 0) => new(exit, stdout, "", TimeSpan.FromSeconds(1));

    [Fact]
    public void Frames_in_order_give_one_result_each()
    {
        var results = CommandBatch.Parse(Output("kube-recover-result 0 0 \nkube-recover-result 1 3 b2s=\n"), 2);
        Assert.NotNull(results);
        Assert.Equal([(0, ""), (3, "ok")], results.Select(r => (r.ExitCode, r.StdOut)));
    }

    [Theory]
    [InlineData("kube-recover-result 0 0 \n", 0)] // one frame short
    [InlineData("kube-recover-result 1 0 \nkube-recover-result 0 0 \n", 0)] // out of order
    [InlineData("kube-recover-result 0 0 !!\nkube-recover-result 1 0 \n", 0)] // not base64
    [InlineData("sudo: a password is required\n", 1)] // the batch itself failed
    [InlineData("kube-recover-result 0 -1 \nkube-recover-result 1 0 \n", 0)]
    public void Anything_else_is_no_result(string stdout, int exit)
    {
        Assert.Null(CommandBatch.Parse(Output(stdout, exit), 2));
    }
}
