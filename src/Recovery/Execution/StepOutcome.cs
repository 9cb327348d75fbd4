using Recovery.Planning;

namespace Recovery.Execution;

/// <summary>One line of the final summary.</summary>
internal sealed record StepOutcome(PhaseKind Phase, string StepId, string Node, StepStatus Status, TimeSpan Elapsed, string Detail);
