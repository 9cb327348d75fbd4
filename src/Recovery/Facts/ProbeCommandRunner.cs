using Recovery.Access;

namespace Recovery.Facts;

/// <summary>
/// Runs one node's probe commands within its <see cref="ProbeBudget"/>: at most MaxConcurrentCommands at once, and a
/// command that did not answer in time is run once more with the longer limit. A slow answer is a busy node, not a
/// missing tool: what still does not answer is reported as such (<see cref="Unanswered"/>), never read as empty output.
/// </summary>
internal sealed class ProbeCommandRunner(INodeShell shell, ProbeBudget budget) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(budget.MaxConcurrentCommands);

    public ProbeBudget Budget => budget;

    /// <summary>Neither try answered in time: the command's fact is unknown.</summary>
    public static bool Unanswered(CommandResult result) => result.TimedOut;

    /// <summary>Why an unanswered command's fact is unknown, for notes and the plan.</summary>
    public string NoAnswer => $"no answer within {budget.Command.TotalSeconds:0} s, nor within {budget.Retry.TotalSeconds:0} s on a second try";

    public Task<CommandResult> RunAsync(ShellCommand command, CancellationToken cancellationToken) => RunAsync(command, command, cancellationToken);

    /// <param name="retry">The command's second try, when it differs (a TCP check that waits longer).</param>
    public async Task<CommandResult> RunAsync(ShellCommand first, ShellCommand retry, CancellationToken cancellationToken)
    {
        var result = await FirstTryAsync(first, cancellationToken).ConfigureAwait(false);
        return Unanswered(result) ? await SecondTryAsync(retry, cancellationToken).ConfigureAwait(false) : result;
    }

    /// <summary>
    /// Several commands' first tries in one round trip (<see cref="INodeShell.RunEachAsync"/>), each under the first
    /// limit; null where the batch gave no result or did not come back in time: then each command is run alone.
    /// </summary>
    public async Task<IReadOnlyList<CommandResult>?> FirstTriesAsync(IReadOnlyList<ShellCommand> commands, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await shell.RunEachAsync(commands, budget.Command, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return null;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>A command's result from <paramref name="firstTries"/> (retried alone when it did not answer), or the command run alone.</summary>
    public async Task<CommandResult> RunAsync(ShellCommand command, Task<IReadOnlyList<CommandResult>?> firstTries, int index, CancellationToken cancellationToken)
    {
        if (await firstTries.ConfigureAwait(false) is not { } results) return await RunAsync(command, cancellationToken).ConfigureAwait(false);
        return Unanswered(results[index]) ? await SecondTryAsync(command, cancellationToken).ConfigureAwait(false) : results[index];
    }

    /// <summary>The first try alone, for a caller that keeps what a timed-out command printed and retries only the rest.</summary>
    public Task<CommandResult> FirstTryAsync(ShellCommand command, CancellationToken cancellationToken) =>
        OnceAsync(command, budget.Command, lastTry: false, cancellationToken);

    public Task<CommandResult> SecondTryAsync(ShellCommand command, CancellationToken cancellationToken) =>
        OnceAsync(command, budget.Retry, lastTry: true, cancellationToken);

    private async Task<CommandResult> OnceAsync(ShellCommand command, TimeSpan limit, bool lastTry, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        var started = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            return await shell.RunAsync(command, limit, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException e) when (!lastTry)
        {
            // The link did not bring the answer back within the limit and its grace: try once more before calling the
            // node lost; a second silence escapes and the node is reported as not answering.
            return new CommandResult(124, "", e.Message, started.Elapsed);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
