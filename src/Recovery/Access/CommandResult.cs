namespace Recovery.Access;

/// <summary>What one command printed and how it ended. Exit 124 (or 137 after the kill) is `timeout` giving up.</summary>
internal sealed record CommandResult(int ExitCode, string StdOut, string StdErr, TimeSpan Elapsed)
{
    public bool Succeeded => ExitCode == 0;
    public bool TimedOut => ExitCode is 124 or 137;
}
