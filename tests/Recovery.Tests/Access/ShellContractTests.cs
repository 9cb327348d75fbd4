using Recovery.Access;

namespace Recovery.Tests.Access;

/// <summary>
/// What every <see cref="INodeShell"/> does with a command that does not end: over its limit it is killed with its
/// children (exit 124, TimedOut, nothing printed after), and cancelling the call kills it too; and read-only commands
/// sent together (<see cref="CommandBatch"/>) give each one's own exit code and stdout. Each shell's test class derives
/// from this and opens its shell (local process, real sshd).
/// </summary>
public abstract class ShellContractTests
{
    private protected abstract Task<INodeShell> OpenAsync();

    /// <summary>A `sleep` long and unique enough to be found by its command line alone, also with other test classes running.</summary>
    private static string Marker() => $"{Random.Shared.Next(100_000_000, 999_999_999)}";

    [Fact]
    public async Task Command_over_its_limit_is_killed_with_its_children()
    {
        var marker = Marker();
        await using var shell = await OpenAsync();
        var result = await shell.RunAsync(ShellCommand.Of("sh", "-c", $"sleep {marker}; echo never"), TimeSpan.FromSeconds(2));
        Assert.True(result.TimedOut, $"exit {result.ExitCode}");
        Assert.Equal(124, result.ExitCode);
        Assert.Equal("", result.StdOut);
        Assert.Equal("", Processes.LiveProcesses($"sleep {marker}"));
    }

    [Fact]
    public async Task Cancelling_a_command_kills_it_with_its_children()
    {
        var marker = Marker();
        await using var shell = await OpenAsync();
        using var cts = new CancellationTokenSource();
        var run = shell.RunAsync(ShellCommand.Of("sh", "-c", $"sleep {marker}; echo never"), TimeSpan.FromSeconds(600), cts.Token);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (Processes.Run("pgrep", "-f", $"sleep {marker}").Exit != 0 && DateTime.UtcNow < deadline) await Task.Delay(50);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.Equal("", Processes.LiveProcesses($"sleep {marker}"));
    }

    [Fact]
    public async Task Commands_sent_together_give_each_ones_exit_code_and_stdout()
    {
        await using var shell = await OpenAsync();
        var results = await shell.RunEachAsync(
        [
            ShellCommand.Of("true"),
            ShellCommand.Of("sh", "-c", "echo to-stderr >&2; exit 3"),
            ShellCommand.Of("printf", "two\\nlines ü kube-recover-result 0 0 x\\n"),
            ShellCommand.Of("ip", "-o", "addr", "show", "dev", "kube-ipvs0").OrElse(ShellCommand.Of("true")),
            ShellCommand.Of("no-such-program-kr"),
            ShellCommand.Of("sleep", "30"),
            ShellCommand.Of("cat"),
        ], TimeSpan.FromSeconds(1));

        Assert.NotNull(results);
        Assert.Equal([0, 3, 0, 0, 127, 124, 0], results.Select(r => r.ExitCode));
        Assert.Equal(("", "to-stderr\n"), (results[1].StdOut, results[1].StdErr));
        // What a command prints cannot pass for a frame; only trailing newlines are lost, as `$(...)` strips them.
        Assert.Equal("two\nlines ü kube-recover-result 0 0 x", results[2].StdOut);
        Assert.True(results[5].TimedOut);
        Assert.Equal("", results[6].StdOut); // no stdin: nothing waits for input
    }

    [Fact]
    public async Task Commands_that_must_succeed_stop_the_batch_at_the_first_that_fails()
    {
        await using var shell = await OpenAsync();
        var marker = Marker();
        var results = await shell.RunEachAsync(
        [
            ShellCommand.Of("sh", "-c", "echo did-this; echo and-said-so >&2"),
            ShellCommand.Of("sh", "-c", "echo no such unit >&2; exit 5"),
            ShellCommand.Of("sh", "-c", $"echo {marker} > /tmp/kr-batch-{marker}"),
            ShellCommand.Of("true"),
        ], TimeSpan.FromSeconds(10), mustSucceed: 3);

        Assert.NotNull(results);
        Assert.Equal([(0, "did-this", "and-said-so\n"), (5, "", "no such unit\n")], results.Select(r => (r.ExitCode, r.StdOut, r.StdErr)));
        Assert.False(File.Exists($"/tmp/kr-batch-{marker}"), "a command after the failed one ran");
    }
}
