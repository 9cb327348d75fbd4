using Recovery.Cli;

namespace Recovery.Tests.Cli;

/// <summary>
/// kube-recover's real entry point (<see cref="CliApp.RunAsync"/>) with its output captured, and the answer every bad
/// or hostile input must get: exit 2, a message naming what was wrong and what was expected, no exception trace.
/// Shared by the option tests and the hostile input drills.
/// </summary>
public static class CliRun
{
    public static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await CliApp.RunAsync(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs ARGS and asserts the refusal naming <paramref name="expected"/>; returns the run for the caller's own checks.</summary>
    public static async Task<(int Exit, string Out, string Err)> AssertRefusedAsync(string expected, params string[] args)
    {
        var run = await RunAsync(args);
        Assert.True(run.Exit == 2, $"exit {run.Exit} for {string.Join(' ', args)}\n{run.Out}\n{run.Err}");
        Assert.True(run.Err.Contains(expected, StringComparison.Ordinal), $"the message does not name '{expected}':\n{run.Err}");
        Assert.DoesNotContain("   at ", run.Err);
        return run;
    }
}
