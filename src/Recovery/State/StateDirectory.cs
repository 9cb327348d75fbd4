namespace Recovery.State;

/// <summary>
/// Where one run keeps what it must never lose: journal, plan, backups, saved objects, audit log.
/// Created 0700 and proven writable (a file written and fsynced) before anything is changed anywhere:
/// a full or read-only disk stops the tool before its first mutation, not after.
/// </summary>
public sealed partial class StateDirectory
{
    public const string DefaultRoot = "/var/lib/kube-recover";

    private StateDirectory(string path) => Path = path;

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>A new directory under <paramref name="root"/> named after the current time (UTC), unique.</summary>
    public static StateDirectory CreateNew(string root, DateTimeOffset now)
    {
        var name = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var path = System.IO.Path.Combine(root, name);
        for (var i = 2; Directory.Exists(path); i++) path = System.IO.Path.Combine(root, $"{name}-{i}");
        return Open(path);
    }

    /// <summary>Opens (creating if needed) and proves the directory can take a durable write.</summary>
    public static StateDirectory Open(string path)
    {
        try
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var probe = System.IO.Path.Combine(path, ".write-probe");
            using (var stream = new FileStream(probe, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.WriteThrough))
            {
                stream.Write(new byte[4096]);
                stream.Flush(flushToDisk: true);
            }
            System.IO.File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StateDirectoryException($"state directory '{path}' cannot be written ({e.Message}); nothing was changed. Free space or choose another with --state-dir DIR");
        }
        return new StateDirectory(System.IO.Path.GetFullPath(path));
    }

    /// <summary>Writes a file durably (fsync of file and directory), mode 0600, replacing it atomically.</summary>
    public string WriteDurably(string name, ReadOnlySpan<byte> content)
    {
        var target = File(name);
        var temp = target + ".tmp";
        try
        {
            using (var stream = new FileStream(temp, new FileStreamOptions
            {
                Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            }))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }
            System.IO.File.Move(temp, target, overwrite: true);
            SyncDirectory(Path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StateDirectoryException($"cannot write '{target}' ({e.Message}); stopping before any change that would depend on it");
        }
        return target;
    }

    /// <summary>fsync of a directory, so a new or renamed file in it survives a crash (.NET has no API for it).</summary>
    public static void SyncDirectory(string path)
    {
        var fd = Native.open(path, Native.O_RDONLY | Native.O_CLOEXEC);
        if (fd < 0) throw new IOException($"cannot open directory '{path}' to sync it (errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()})");
        try
        {
            if (Native.fsync(fd) != 0) throw new IOException($"fsync of directory '{path}' failed (errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()})");
        }
        finally
        {
            _ = Native.close(fd);
        }
    }

    private static partial class Native
    {
        public const int O_RDONLY = 0;
        public const int O_CLOEXEC = 0x80000; // 02000000, the same on x86_64 and aarch64 (O_DIRECTORY is not: not used)

        [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "open", StringMarshalling = System.Runtime.InteropServices.StringMarshalling.Utf8, SetLastError = true)]
        public static partial int open(string path, int flags);

        [System.Runtime.InteropServices.LibraryImport("libc", SetLastError = true)]
        public static partial int fsync(int fd);

        [System.Runtime.InteropServices.LibraryImport("libc", SetLastError = true)]
        public static partial int close(int fd);
    }
}

public sealed class StateDirectoryException(string message) : IOException(message);
