namespace Recovery.Planning;

/// <summary>The seven phases of DESIGN.md, in the order they run.</summary>
internal enum PhaseKind
{
    Preflight,
    Contain,
    Unbind,
    VerifyReach,
    FixObject,
    Restore,
    Verify,
}
