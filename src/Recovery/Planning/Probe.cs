using Recovery.Access;
using Recovery.Commands;

namespace Recovery.Planning;

/// <summary>What a probe's result must look like to hold.</summary>
internal enum ProbeExpectation
{
    /// <summary>Exit code 0.</summary>
    Succeeds,

    /// <summary>Any exit code but 0 (e.g. `systemctl is-active` of a stopped unit), except a command that timed out or could not be run at all.</summary>
    Fails,

    /// <summary>
    /// Nothing on stdout, whatever the exit code (`ip addr show dev kube-ipvs0 to A/32`: no such address, or no such
    /// device), except a command that timed out or could not be run at all: that proves nothing.
    /// </summary>
    PrintsNothing,

    /// <summary>Exit 0 and stdout contains <see cref="Probe.Text"/>.</summary>
    PrintsText,

    /// <summary>Exit 0 and stdout does not contain <see cref="Probe.Text"/> (`ip route get A` without `local `).</summary>
    LacksText,
}

/// <summary>A read-only command and the result that means "holds". Used for checks, verifies and guards.</summary>
internal sealed record Probe(NodeCommand Command, ProbeExpectation Expect, string? Text = null)
{
    public bool HoldsFor(CommandResult result) => Expect switch
    {
        ProbeExpectation.Succeeds => result.ExitCode == 0,
        // Only a command that ran and said no: 126/127 (not executable, not installed) and a timeout prove nothing.
        ProbeExpectation.Fails => result.ExitCode != 0 && Ran(result),
        ProbeExpectation.PrintsNothing => result.StdOut.Trim().Length == 0 && Ran(result),
        ProbeExpectation.PrintsText => result.ExitCode == 0 && result.StdOut.Contains(Text ?? "", StringComparison.Ordinal),
        ProbeExpectation.LacksText => result.ExitCode == 0 && !result.StdOut.Contains(Text ?? "", StringComparison.Ordinal),
        _ => false,
    };

    /// <summary>Whether the command ran to an answer: 126/127 (not executable, not installed) and a timeout prove nothing.</summary>
    public static bool Ran(CommandResult result) => !result.TimedOut && !result.CouldNotRun;

    public static Probe Succeeds(NodeCommand command) => new(command, ProbeExpectation.Succeeds);
    public static Probe Fails(NodeCommand command) => new(command, ProbeExpectation.Fails);
    public static Probe PrintsNothing(NodeCommand command) => new(command, ProbeExpectation.PrintsNothing);
    public static Probe Prints(NodeCommand command, string text) => new(command, ProbeExpectation.PrintsText, text);
    public static Probe Lacks(NodeCommand command, string text) => new(command, ProbeExpectation.LacksText, text);
}
