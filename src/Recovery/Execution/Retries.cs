using System.Diagnostics;
using Recovery.Planning;

namespace Recovery.Execution;

/// <summary>
/// The one retry rule of a check: wait its settle time, then try until a try holds or the budget is spent, pausing as
/// <see cref="Verification.Pause"/> says (every 200 ms in the first second, then every interval). The budget is wall
/// clock: a slow try does not stretch it. Once begun it runs to its end (no cancellation), as a step does.
/// </summary>
internal static class Retries
{
    /// <returns>whether a try held, and the last try's result.</returns>
    public static async Task<(bool Held, T Last)> UntilAsync<T>(TimeSpan settle, TimeSpan budget, TimeSpan interval, Func<Task<(bool Holds, T Result)>> tryOnce)
    {
        if (settle > TimeSpan.Zero) await Task.Delay(settle, CancellationToken.None).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var (holds, result) = await tryOnce().ConfigureAwait(false);
            if (holds) return (true, result);
            var pause = Verification.Pause(clock.Elapsed, interval);
            if (clock.Elapsed + pause > budget) return (false, result);
            await Task.Delay(pause, CancellationToken.None).ConfigureAwait(false);
        }
    }
}
