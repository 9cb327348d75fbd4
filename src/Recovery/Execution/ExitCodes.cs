namespace Recovery.Execution;

/// <summary>The exit codes are part of the contract (DESIGN.md): scripts branch on them.</summary>
internal static class ExitCodes
{
    public const int Done = 0;
    public const int Failed = 1;
    public const int BadInput = 2;
    public const int LockoutFound = 3;
    public const int StoppedPartway = 4;
    public const int Interrupted = 130;
}
