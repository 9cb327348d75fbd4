using Recovery.Access;

namespace Recovery.Planning;

/// <summary>A probe as a bash condition, for the script renderer and the text renderer (so both say the same thing).</summary>
internal static class ProbeScript
{
    public static string Condition(Probe probe)
    {
        var command = Group(probe.Command.ToShell());
        var text = ShellQuoting.Quote(probe.Text ?? "");
        return probe.Expect switch
        {
            ProbeExpectation.Succeeds => $"{command} >/dev/null 2>&1",
            ProbeExpectation.Fails => $"{{ {command} >/dev/null 2>&1; {RanAndSaidNo}; }}",
            ProbeExpectation.PrintsNothing => $"{{ out=$({command} 2>/dev/null); {Ran} && [ -z \"$out\" ]; }}",
            ProbeExpectation.PrintsText => $"{{ out=$({command} 2>/dev/null) && [[ \"$out\" == *{text}* ]]; }}",
            ProbeExpectation.LacksText => $"{{ out=$({command} 2>/dev/null) && [[ \"$out\" != *{text}* ]]; }}",
            _ => throw new ArgumentOutOfRangeException(nameof(probe), probe.Expect, "unknown expectation"),
        };
    }

    // As Probe.HoldsFor: a command that could not run (126/127) or timed out (124/137) proves nothing.
    private const string Ran = "case $? in 124|126|127|137) false ;; esac";

    private const string RanAndSaidNo = "case $? in 0|124|126|127|137) false ;; esac";

    private static string Group(ShellCommand command) => command is ShellCommand.Sequence ? $"{{ {command.Render()}; }}" : command.Render();
}
