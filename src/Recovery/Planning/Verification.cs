using System.Text.Json.Serialization;

namespace Recovery.Planning;

/// <summary>
/// A probe that must hold after acting, retried every <see cref="Interval"/> until <see cref="Budget"/> is spent.
/// <see cref="Settle"/>: a wait before the first try, for a stop that something else may undo shortly after it
/// (a kubelet started again by a supervisor replaces the container just stopped).
/// </summary>
internal sealed record Verification(Probe Probe, TimeSpan Budget, TimeSpan Interval,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] TimeSpan Settle = default)
{
    public static Verification Within(Probe probe, TimeSpan budget) => new(probe, budget, TimeSpan.FromSeconds(1));

    /// <summary>First wait <paramref name="settle"/>, then as <see cref="Within"/>.</summary>
    public static Verification SettledWithin(Probe probe, TimeSpan settle, TimeSpan budget) => new(probe, budget, TimeSpan.FromSeconds(1), settle);
}
