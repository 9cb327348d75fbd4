namespace Recovery.Execution;

internal enum StepStatus
{
    /// <summary>Acted and verified.</summary>
    Done,

    /// <summary>Not needed: its postcondition already held, its guard said it does not apply, or an earlier run did it.</summary>
    Skipped,

    Failed,

    /// <summary>Its node never answered: to be run at the node's console (or by --resume once it answers).</summary>
    Deferred,

    /// <summary>An earlier failure stopped the run before this step.</summary>
    NotRun,

    /// <summary>Ctrl-C stopped the run before (or, for a wait, during) this step.</summary>
    Interrupted,
}
