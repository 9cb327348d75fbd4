using Recovery.Access;

namespace Recovery.Tests.Fixtures;

/// <summary>Reads the captured real outputs kept beside this file (see README.md there).</summary>
internal static class Fixture
{
    /// <summary>The Fixtures folder of the source tree, found by walking up from the test binaries.</summary>
    public static string Dir { get; } = FindDir();

    public static string Read(string relative) => File.ReadAllText(PathOf(relative));

    public static string PathOf(string relative) => Path.Combine(Dir, relative);

    public static CommandResult Ok(string stdout) => new(0, stdout, "", TimeSpan.FromMilliseconds(5));

    /// <summary>A file whose first line is "exit N" and the rest what the command printed on stdout.</summary>
    public static CommandResult ExitWithStdOut(string relative)
    {
        var (code, output) = SplitExit(Read(relative));
        return new CommandResult(code, output, "", TimeSpan.FromMilliseconds(5));
    }

    /// <summary>A file whose first line is "exit N" and the rest what the command printed on stderr.</summary>
    public static CommandResult ExitWithStdErr(string relative)
    {
        var (code, output) = SplitExit(Read(relative));
        return new CommandResult(code, "", output, TimeSpan.FromMilliseconds(5));
    }

    private static (int Code, string Output) SplitExit(string text)
    {
        var newline = text.IndexOf('\n');
        var first = newline < 0 ? text : text[..newline];
        if (!first.StartsWith("exit ", StringComparison.Ordinal)) throw new InvalidDataException($"fixture does not start with 'exit N': {first}");
        return (int.Parse(first[5..], System.Globalization.CultureInfo.InvariantCulture), newline < 0 ? "" : text[(newline + 1)..]);
    }

    private static string FindDir()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "Recovery.Tests", "Fixtures");
            if (File.Exists(Path.Combine(candidate, "README.md"))) return candidate;
        }
        throw new DirectoryNotFoundException($"tests/Recovery.Tests/Fixtures not found above {AppContext.BaseDirectory}");
    }
}
