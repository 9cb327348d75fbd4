namespace Recovery.Planning;

/// <summary>How much of the recovery a plan covers.</summary>
internal enum PlanScope
{
    /// <summary>Every phase on every node.</summary>
    Full,

    /// <summary>Stage 1: only this node's Preflight, Contain and Unbind, so the nodes it could not reach answer.</summary>
    LocalFirst,
}
