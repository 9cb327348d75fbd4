namespace Recovery.State;

/// <summary>
/// Where one run keeps what it must never lose: journal, plan, backups, saved objects, audit log.
/// Created 0700 and proven writable (a file written and fsynced) before anything is changed anywhere:
/// a full or read-only disk stops the tool before its first mutation, not after.
/// </summary>
public sealed class StateDirectory
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
}

public sealed class StateDirectoryException(string message) : IOException(message);
