using Recovery.Planning;
using Recovery.State;

namespace Recovery.Execution;

/// <summary>How a recovery session begins.</summary>
internal abstract record SessionStart
{
    /// <summary>Survey, plan, confirm, run (local-first when this node is cut off from the others).</summary>
    public sealed record Fresh : SessionStart;

    /// <summary>`recover --plan FILE`: exactly this plan, once the facts are checked unchanged; never split into stages.</summary>
    public sealed record Saved(Plan Plan, string File) : SessionStart;

    /// <summary>`recover --resume DIR`: finish the stage that stopped; after stage 1, plan and run the rest.</summary>
    public sealed record Resume(StateDirectory State) : SessionStart;
}
