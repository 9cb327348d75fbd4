namespace Recovery.Planning;

/// <summary>The phases of DESIGN.md, in the order they run (FixFirst only where an API answered the survey, UnbindAfterFix only on k3s servers).</summary>
internal enum PhaseKind
{
    Preflight,
    FixFirst,
    Contain,
    Unbind,
    VerifyReach,
    FixObject,
    /// <summary>Where kube-proxy runs inside an API server (k3s server): never stopped, so its addresses go only once the Service is fixed.</summary>
    UnbindAfterFix,
    Restore,
    Verify,
}
