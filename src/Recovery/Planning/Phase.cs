namespace Recovery.Planning;

/// <summary>
/// One phase of a plan. Steps of one node run in the listed order; different nodes run in parallel, except that
/// the steps of <see cref="FirstNode"/> (the local node, when the phase says so) all finish before any other node starts.
/// </summary>
internal sealed record Phase(PhaseKind Kind, string Title, IReadOnlyList<Step> Steps, string? FirstNode = null);
