using System.Runtime.InteropServices;

namespace Recovery.Kubernetes.Etcd;

/// <summary>
/// Files that must be on disk before the next step runs: created with mode 0600 (never wider, whatever the
/// umask), flushed to the device, and their directory fsynced so the new name survives a crash.
/// </summary>
internal static class DurableFile
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates <paramref name="path"/> (which must not exist) with <paramref name="content"/>.</summary>
    public static async Task CreateAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        await using (var stream = Open(path))
        {
            await stream.WriteAsync(content, cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }

        SyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>Replaces <paramref name="path"/> atomically: a durable temporary file renamed over it.</summary>
    public static async Task ReplaceAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var temporary = path + ".tmp";
        File.Delete(temporary);
        await CreateAsync(temporary, content, cancellationToken).ConfigureAwait(false);
        File.Move(temporary, path, overwrite: true);
        SyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>A new file for streaming into (mode 0600); call <see cref="Complete"/> when done.</summary>
    public static FileStream Open(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerOnly;
        return new FileStream(path, options);
    }

    public static void Complete(FileStream stream, string path)
    {
        stream.Flush(flushToDisk: true);
        stream.Dispose();
        SyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>Creates the state directory owner-only (0700) when it does not exist.</summary>
    public static void EnsureDirectory(string directory)
    {
        if (Directory.Exists(directory)) return;
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(directory);
        else Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static void SyncDirectory(string directory)
    {
        const int ReadOnlyDirectory = 0x10000; // O_RDONLY | O_DIRECTORY on Linux
        var fd = Open(directory, ReadOnlyDirectory);
        if (fd < 0) throw new IOException($"cannot open directory {directory} to sync it (errno {Marshal.GetLastPInvokeError()})");
        try
        {
            if (Fsync(fd) != 0) throw new IOException($"fsync of directory {directory} failed (errno {Marshal.GetLastPInvokeError()})");
        }
        finally
        {
            _ = Close(fd);
        }
    }

    // .NET cannot open a directory as a file handle, so the directory fsync goes to libc. Blittable
    // arguments only (the path as NUL-terminated UTF-8), so no marshalling code or unsafe blocks are needed.
    private static int Open(string path, int flags) => OpenNative([.. System.Text.Encoding.UTF8.GetBytes(path), 0], flags);

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int OpenNative(byte[] path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);
}
