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

/// <summary>A status as the console's progress and report say it.</summary>
internal static class StepStatusText
{
    public static string Of(StepStatus status) => status switch
    {
        StepStatus.Skipped => "not needed",
        StepStatus.NotRun => "not run",
        _ => status.ToString().ToLowerInvariant(),
    };
}
