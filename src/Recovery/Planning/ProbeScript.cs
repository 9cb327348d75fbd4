using Recovery.Access;

namespace Recovery.Planning;

/// <summary>A probe as a bash condition, for the script renderer and the text renderer (so both say the same thing).</summary>
public static class ProbeScript
{
    public static string Condition(Probe probe)
    {
        var command = Group(probe.Command);
        var text = ShellQuoting.Quote(probe.Text ?? "");
        return probe.Expect switch
        {
            ProbeExpectation.Succeeds => $"{command} >/dev/null 2>&1",
            ProbeExpectation.Fails => $"! {command} >/dev/null 2>&1",
            ProbeExpectation.PrintsNothing => $"[ -z \"$({command} 2>/dev/null || true)\" ]",
            ProbeExpectation.PrintsText => $"{{ out=$({command} 2>/dev/null) && [[ \"$out\" == *{text}* ]]; }}",
            ProbeExpectation.LacksText => $"{{ out=$({command} 2>/dev/null) && [[ \"$out\" != *{text}* ]]; }}",
            _ => throw new ArgumentOutOfRangeException(nameof(probe), probe.Expect, "unknown expectation"),
        };
    }

    private static string Group(ShellCommand command) => command is ShellCommand.Sequence ? $"{{ {command.Render()}; }}" : command.Render();
}
