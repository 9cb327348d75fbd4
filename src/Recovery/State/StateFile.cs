namespace Recovery.State;

/// <summary>
/// Files in the state directory: created mode 0600, flushed to disk before returning, never overwritten
/// (a second save of the same name gets a numbered suffix, so the first backup always survives a rerun).
/// </summary>
internal static class StateFile
{
    public static readonly UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static void EnsureDirectory(string stateDir) => DurableFile.EnsureDirectory(stateDir);

    /// <summary>Options for writing a state file: created 0600 where the platform has modes.</summary>
    public static FileStreamOptions WriteOptions(FileMode mode)
    {
        var options = new FileStreamOptions { Mode = mode, Access = FileAccess.Write, Share = FileShare.Read };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerOnly;
        return options;
    }

    /// <returns>The path written.</returns>
    public static string WriteNew(string stateDir, string fileName, ReadOnlySpan<byte> content)
    {
        EnsureDirectory(stateDir);
        var stem = Path.GetFileNameWithoutExtension(fileName);
        var extension = Path.GetExtension(fileName);
        for (var n = 0; ; n++)
        {
            var path = Path.Combine(stateDir, n == 0 ? fileName : $"{stem}.{n}{extension}");
            FileStream stream;
            try
            {
                stream = DurableFile.Open(path);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Taken by an earlier save: try the next suffix.
                continue;
            }
            try
            {
                stream.Write(content);
                DurableFile.Complete(stream, path);
                return path;
            }
            catch
            {
                // The content did not fit (a full disk): no half file is left to pass for a save, and the caller hears
                // of it. Taken for a name in use, it had the next suffix tried without end.
                stream.Dispose();
                File.Delete(path);
                throw;
            }
        }
    }
}
