namespace Recovery.Execution;

/// <summary>How a run ended.</summary>
/// <param name="ExitCode">0 done (or nothing to do); 4 stopped partway, resumable; 130 interrupted (DESIGN.md).</param>
/// <param name="StoppedBecause">Why the run stopped before the end; null when it finished.</param>
/// <param name="ManualCommands">What a human must still run, per node, when the run could not finish (commented lines say where).</param>
public sealed record RunResult(IReadOnlyList<StepOutcome> Outcomes, int ExitCode, string? StoppedBecause, IReadOnlyList<string> ManualCommands)
{
    public const int Success = 0;
    public const int StoppedPartway = 4;
    public const int Interrupted = 130;
}
