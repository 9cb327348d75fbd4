using Recovery.State;

namespace Recovery.Tests.State;

public sealed class StateDirectoryTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("kr-state-").FullName;

    public void Dispose()
    {
        foreach (var d in Directory.GetDirectories(_root, "*", SearchOption.AllDirectories)) File.SetUnixFileMode(d, (UnixFileMode)0x1ff);
        Directory.Delete(_root, true);
    }

    [Fact]
    public void Creates_a_private_directory_and_writes_files_0600()
    {
        var state = StateDirectory.CreateNew(_root, new DateTimeOffset(2026, 11, 25, 3, 0, 0, TimeSpan.Zero));
        Assert.EndsWith("20261125T030000Z", state.Path);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(state.Path));
        var file = state.WriteDurably("backup.json", "{}"u8);
        Assert.Equal("{}", File.ReadAllText(file));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Empty(Directory.GetFiles(state.Path, "*.tmp"));
        var second = StateDirectory.CreateNew(_root, new DateTimeOffset(2026, 11, 25, 3, 0, 0, TimeSpan.Zero));
        Assert.EndsWith("20261125T030000Z-2", second.Path);
    }

    [SkippableFact]
    public void A_directory_that_cannot_be_written_is_refused_before_anything_else()
    {
        // root ignores permission bits, so use a path below a regular file: no one can create a directory there.
        var file = Path.Combine(_root, "a-file");
        File.WriteAllText(file, "");
        var e = Assert.Throws<StateDirectoryException>(() => StateDirectory.Open(Path.Combine(file, "state")));
        Assert.Contains("cannot be written", e.Message);
        Assert.Contains("nothing was changed", e.Message);
    }
}
