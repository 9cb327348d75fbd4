namespace Recovery.Execution;

/// <summary>How a run ended.</summary>
/// <param name="ExitCode"><see cref="ExitCodes.Done"/>, <see cref="ExitCodes.StoppedPartway"/> (resumable) or <see cref="ExitCodes.Interrupted"/>.</param>
/// <param name="StoppedBecause">Why the run stopped before the end; null when it finished.</param>
/// <param name="ManualCommands">What a human must still run, per node, when the run could not finish (commented lines say where).</param>
internal sealed record RunResult(IReadOnlyList<StepOutcome> Outcomes, int ExitCode, string? StoppedBecause, IReadOnlyList<string> ManualCommands);
