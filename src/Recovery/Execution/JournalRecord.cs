using Recovery.Planning;

namespace Recovery.Execution;

/// <summary>
/// One line of journal.jsonl. <see cref="Event"/>: run-start, node-reached, step-start, step-result, interrupted, run-end.
/// Outputs are trimmed (<see cref="Journal.MaxOutput"/>); nothing secret is ever run or printed by a step.
/// </summary>
internal sealed record JournalRecord(
    DateTimeOffset Time,
    string Run,
    string Event,
    PhaseKind? Phase = null,
    string? Step = null,
    string? Node = null,
    StepStatus? Status = null,
    int? ExitCode = null,
    string? StdOut = null,
    string? StdErr = null,
    long? ElapsedMs = null,
    string? Detail = null)
{
    public const string RunStart = "run-start";
    public const string NodeReached = "node-reached";
    public const string StepStart = "step-start";
    public const string StepResult = "step-result";
    public const string Interrupted = "interrupted";
    public const string RunEnd = "run-end";
}
