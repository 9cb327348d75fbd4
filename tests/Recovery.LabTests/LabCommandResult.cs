namespace Recovery.LabTests;

/// <summary>What one `lab.sh` invocation returned.</summary>
public sealed record LabCommandResult(int ExitCode, string StdOut, string StdErr)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>Throws with both streams when the command failed: lab failures must be readable in test output.</summary>
    public LabCommandResult EnsureSuccess(string what)
    {
        if (!Succeeded)
        {
            throw new InvalidOperationException(
                $"{what} failed (exit {ExitCode})\n--- stdout ---\n{StdOut}\n--- stderr ---\n{StdErr}");
        }
        return this;
    }
}
