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
    public async Task Creates_a_private_directory_and_writes_files_0600()
    {
        var state = StateDirectory.CreateNew(_root, new DateTimeOffset(2026, 11, 25, 3, 0, 0, TimeSpan.Zero));
        Assert.EndsWith("20261125T030000Z", state.Path);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(state.Path));
        var file = state.File("backup.json");
        await DurableFile.CreateAsync(file, "{}"u8.ToArray(), CancellationToken.None);
        Assert.Equal("{}", File.ReadAllText(file));
        await Assert.ThrowsAsync<IOException>(() => DurableFile.CreateAsync(file, "[]"u8.ToArray(), CancellationToken.None));
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

    [Fact]
    public async Task A_save_that_does_not_fit_fails_and_leaves_no_half_file()
    {
        // A filesystem of 64 KiB (tmpfs, as root): the write fails with ENOSPC after the file was created. Taken for a
        // name already in use, the save went on to the next suffix without end, each time creating one more empty file.
        var full = Path.Combine(_root, "full");
        Directory.CreateDirectory(full);
        var (exit, _, error) = Recovery.Tests.Access.Processes.Run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", full);
        Assert.True(exit == 0, $"mount tmpfs: {error}");
        try
        {
            var save = Task.Run(() => StateFile.WriteNew(full, "addresses.txt", new byte[1 << 20]));
            await Assert.ThrowsAsync<IOException>(() => save.WaitAsync(TimeSpan.FromSeconds(60)));
            Assert.Empty(Directory.GetFiles(full));
        }
        finally
        {
            Recovery.Tests.Access.Processes.Run("umount", "-l", full);
        }
    }

    [Fact]
    public void Too_little_room_for_the_journal_is_refused_naming_the_directory_what_is_free_and_what_is_needed()
    {
        // The drill's case: 12 KiB free takes the 4 KiB write probe but not a run's journal and backups.
        var message = StateDirectory.NotEnoughRoom("/mnt/small/state", 12 * 1024);
        Assert.Equal("state directory '/mnt/small/state' cannot be written: 12 KiB free on its filesystem, at least 16 MiB needed " +
                     "(journal, plan, backups, saved outputs); nothing was changed. Free space or choose another with --state-dir DIR", message);
        Assert.Null(StateDirectory.NotEnoughRoom("/var/lib/kube-recover/x", StateDirectory.MinimumFreeBytes));
    }

    [Fact]
    public void The_free_space_of_a_real_filesystem_is_read_through_statvfs()
    {
        // DriveInfo on Linux is statvfs on the path itself (any directory, not only a mount point); /tmp here has room.
        var free = new DriveInfo(_root).AvailableFreeSpace;
        Assert.InRange(free, 1, long.MaxValue);
        Assert.Equal(_root, StateDirectory.Open(_root).Path);
    }
}
