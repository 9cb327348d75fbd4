namespace Recovery.Planning;

/// <summary>A probe that must hold after acting, retried every <see cref="Interval"/> until <see cref="Budget"/> is spent.</summary>
internal sealed record Verification(Probe Probe, TimeSpan Budget, TimeSpan Interval)
{
    public static Verification Within(Probe probe, TimeSpan budget) => new(probe, budget, TimeSpan.FromSeconds(1));
}
