namespace Recovery.Access;

/// <summary>What one command printed and how it ended. Exit 124 (or 137 after the kill) is `timeout` giving up.</summary>
internal sealed record CommandResult(int ExitCode, string StdOut, string StdErr, TimeSpan Elapsed)
{
    public bool Succeeded => ExitCode == 0;
    public bool TimedOut => ExitCode is 124 or 137;

    /// <summary>The program is not installed (127) or could not be executed (126): no answer, never an empty one.</summary>
    public bool CouldNotRun => ExitCode is 126 or 127;
}
