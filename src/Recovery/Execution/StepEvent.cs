using Recovery.Planning;

namespace Recovery.Execution;

/// <summary>Progress for the CLI's stderr: a step started (<see cref="Status"/> null) or ended.</summary>
internal sealed record StepEvent(PhaseKind Phase, string Node, string StepId, string What, StepStatus? Status, TimeSpan Elapsed, string? Detail);
