namespace Recovery.Planning;

/// <summary>The phases of DESIGN.md, in the order they run (FixFirst only where an API answered the survey).</summary>
internal enum PhaseKind
{
    Preflight,
    FixFirst,
    Contain,
    Unbind,
    VerifyReach,
    FixObject,
    Restore,
    Verify,
}
