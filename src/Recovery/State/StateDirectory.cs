namespace Recovery.State;

/// <summary>
/// Where one run keeps what it must never lose: journal, plan, backups, saved objects, audit log.
/// Created 0700, checked for room (<see cref="MinimumFreeBytes"/>) and proven writable (a file written and fsynced)
/// before anything is changed anywhere: a full, nearly full or read-only disk stops the tool before its first
/// mutation, not after (a journal that cannot take the record of a step must never meet a step that already acted).
/// </summary>
internal sealed class StateDirectory
{
    public const string DefaultRoot = "/var/lib/kube-recover";

    /// <summary>
    /// Room a run needs: the lab's 3-node kill-and-resume drill left 196 KiB on disk (journal, plan, saved addresses
    /// and routes, Service YAML, audit log; two runs), so roughly 60 KiB a node: a 100-node cluster needs a few MiB,
    /// an etcd backup of many Services a few more. 16 MiB covers that with a margin and is nothing on any real /var.
    /// </summary>
    public const long MinimumFreeBytes = 16L * 1024 * 1024;

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
            // statvfs's f_bavail * f_frsize: what an unprivileged write can use (root's reserve is not counted on).
            if (NotEnoughRoom(path, new DriveInfo(System.IO.Path.GetFullPath(path)).AvailableFreeSpace) is { } message) throw new StateDirectoryException(message);
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

    /// <returns>Why <paramref name="free"/> bytes are too few for a run in <paramref name="path"/>, or null when they are enough.</returns>
    internal static string? NotEnoughRoom(string path, long free) => free >= MinimumFreeBytes ? null
        : $"state directory '{path}' cannot be written: {Size(free)} free on its filesystem, at least {Size(MinimumFreeBytes)} needed " +
          "(journal, plan, backups, saved outputs); nothing was changed. Free space or choose another with --state-dir DIR";

    private static string Size(long bytes) => bytes >= 1024 * 1024
        ? $"{bytes / (1024.0 * 1024):0.#} MiB"
        : $"{bytes / 1024} KiB";
}

internal sealed class StateDirectoryException(string message) : IOException(message);
