using System.Text.Json.Serialization;

namespace Recovery.Planning;

/// <summary>
/// A probe that must hold after acting, retried until <see cref="Budget"/> is spent: every <see cref="QuickInterval"/>
/// during the first <see cref="QuickFor"/>, then every <see cref="Interval"/> (<see cref="PauseAfter"/>).
/// <see cref="Settle"/>: a wait before the first try, for a stop that something else may undo shortly after it
/// (a kubelet started again by a supervisor replaces the container just stopped).
/// </summary>
internal sealed record Verification(Probe Probe, TimeSpan Budget, TimeSpan Interval,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] TimeSpan Settle = default)
{
    /// <summary>
    /// What is verified mostly holds within a fraction of a second (a started kube-proxy's first sync came 0.25 s after
    /// its start on the lab), and a whole <see cref="Interval"/> before the second try made each such step take a second
    /// (bench, 2026-12-07). The quick tries are bounded: at most five more per step, all within its first second.
    /// </summary>
    public static readonly TimeSpan QuickInterval = TimeSpan.FromMilliseconds(200);

    public static readonly TimeSpan QuickFor = TimeSpan.FromSeconds(1);

    /// <summary>The pause after a try that did not hold, <paramref name="sinceFirstTry"/> after the first try.</summary>
    public TimeSpan PauseAfter(TimeSpan sinceFirstTry) => Pause(sinceFirstTry, Interval);

    /// <summary>The same rule for any check retried every <paramref name="interval"/> (<see cref="ClaimsCheck"/>).</summary>
    public static TimeSpan Pause(TimeSpan sinceFirstTry, TimeSpan interval) => sinceFirstTry < QuickFor && interval > QuickInterval ? QuickInterval : interval;

    public static Verification Within(Probe probe, TimeSpan budget) => new(probe, budget, TimeSpan.FromSeconds(1));

    /// <summary>First wait <paramref name="settle"/>, then as <see cref="Within"/>.</summary>
    public static Verification SettledWithin(Probe probe, TimeSpan settle, TimeSpan budget) => new(probe, budget, TimeSpan.FromSeconds(1), settle);
}
