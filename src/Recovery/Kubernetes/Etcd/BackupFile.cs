using Recovery.State;
using System.Text.Json;

namespace Recovery.Kubernetes.Etcd;

/// <summary>Writes backups durably and reads them back with every field checked (a backup may come from anywhere).</summary>
internal static class BackupFile
{
    /// <summary>Larger files are refused before they are read.</summary>
    public const long MaxFileBytes = 64L * 1024 * 1024;

    /// <summary>etcd's default request limit is 1.5 MiB; a single value cannot be larger.</summary>
    public const int MaxValueBytes = 2 * 1024 * 1024;

    public const int MaxKeys = 10_000;

    /// <summary>Writes a new backup file in <paramref name="stateDirectory"/> (fsync, 0600) and returns its path.</summary>
    public static async Task<string> WriteAsync(Backup backup, string stateDirectory, CancellationToken cancellationToken)
    {
        try
        {
            DurableFile.EnsureDirectory(stateDirectory);
            var name = $"backup-{backup.Service.Replace('/', '_')}-{backup.Action}-{backup.Time.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}";
            var path = Path.Combine(stateDirectory, name + ".json");
            for (var n = 2; File.Exists(path); n++) path = Path.Combine(stateDirectory, $"{name}-{n}.json");
            await DurableFile.CreateAsync(path, JsonSerializer.SerializeToUtf8Bytes(backup, BackupJson.Default.Backup), cancellationToken).ConfigureAwait(false);
            return path;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new EtcdStoreException($"cannot write the backup into {stateDirectory}: {e.Message}; nothing was changed in etcd", e);
        }
    }

    /// <summary>Rewrites an existing backup atomically (to record the revision the tool wrote).</summary>
    public static async Task UpdateAsync(string path, Backup backup, CancellationToken cancellationToken)
    {
        await DurableFile.ReplaceAsync(path, JsonSerializer.SerializeToUtf8Bytes(backup, BackupJson.Default.Backup), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads and validates a backup; anything wrong is an <see cref="EtcdStoreException"/> naming the problem.</summary>
    public static async Task<Backup> ReadAsync(string path, string prefix, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists) throw new EtcdStoreException($"backup file {path} does not exist");
            if (info.Length > MaxFileBytes) throw new EtcdStoreException($"backup file {path} is {info.Length} bytes, more than the {MaxFileBytes} a backup can be");
            bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new EtcdStoreException($"cannot read backup file {path}: {e.Message}", e);
        }

        return Parse(bytes, path, prefix);
    }

    /// <summary>Parses and validates backup JSON (public for tests and for checking a file without etcd).</summary>
    public static Backup Parse(ReadOnlySpan<byte> json, string source, string prefix)
    {
        Backup? backup;
        try
        {
            backup = JsonSerializer.Deserialize(json, BackupJson.Default.Backup);
        }
        catch (JsonException e)
        {
            throw new EtcdStoreException($"{source} is not a kube-recover backup: {e.Message}");
        }

        if (backup is null) throw new EtcdStoreException($"{source} is empty (null)");
        Check(backup.ApiVersion == Backup.CurrentApiVersion, source, $"apiVersion is '{backup.ApiVersion}', expected '{Backup.CurrentApiVersion}'");
        Check(backup.Kind == Backup.BackupKind, source, $"kind is '{backup.Kind}', expected '{Backup.BackupKind}'");
        Check(backup.Action is "delete" or "strip", source, $"action is '{backup.Action}', expected 'delete' or 'strip'");
        Check(backup.Keys is { Count: > 0 and <= MaxKeys }, source, $"expected 1 to {MaxKeys} keys");
        // restore refuses another cluster's backup only when it knows which cluster the backup came from.
        Check(backup.ClusterId is { Length: > 0 }, source, "clusterId is missing; expected the id of the etcd cluster the backup was taken from");
        var root = prefix.TrimEnd('/') + "/";
        ServiceRef service;
        try
        {
            service = ServiceRef.Parse(backup.Service ?? "");
        }
        catch (FormatException e)
        {
            throw new EtcdStoreException($"{source} is not a valid kube-recover backup: service: {e.Message}; expected NS/NAME");
        }
        // A backup only ever holds one Service's own keys: restore must not become a way to write any other object (RBAC, Secrets).
        var keys = new EtcdKeys(prefix);
        string[] own = [keys.Service(service), keys.Endpoints(service)];
        var slices = keys.EndpointSlices(service.Namespace);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in backup.Keys)
        {
            Check(entry is { Key: not null, Value: not null }, source, "a key entry lacks key or value");
            var key = entry;
            Check(key.Key.StartsWith(root, StringComparison.Ordinal) && !key.Key.Contains("/../", StringComparison.Ordinal), source, $"key '{key.Key}' is not under the etcd prefix {root}");
            Check(own.Contains(key.Key) || key.Key.StartsWith(slices, StringComparison.Ordinal) && key.Key.Length > slices.Length && !key.Key[slices.Length..].Contains('/', StringComparison.Ordinal),
                source, $"key '{key.Key}' is not one of the Service {service}'s keys; expected {own[0]}, {own[1]} or {slices}SLICE");
            Check(seen.Add(key.Key), source, $"key '{key.Key}' appears twice");
            Check(key.CreateRevision > 0 && key.ModRevision >= key.CreateRevision, source, $"key '{key.Key}' has impossible revisions (create {key.CreateRevision}, mod {key.ModRevision})");
            Check(DecodedLength(key.Value) is >= 0 and <= MaxValueBytes, source, $"value of '{key.Key}' is not base64 of at most {MaxValueBytes} bytes");
        }

        if (backup.Action == "strip")
        {
            Check(backup.Keys.Count == 1, source, "a strip backup holds exactly one key (the Service)");
            Check(backup.StrippedValue is { } stripped && DecodedLength(stripped) is >= 0 and <= MaxValueBytes, source, "a strip backup needs strippedValue (base64)");
            Check(backup.WrittenModRevision is null or > 0, source, "writtenModRevision must be positive");
        }

        return backup;
    }

    /// <summary>The decoded length, or -1 when <paramref name="base64"/> is not valid base64.</summary>
    private static int DecodedLength(string base64)
    {
        if (base64.Length > MaxValueBytes / 3 * 4 + 8) return int.MaxValue;
        var buffer = new byte[base64.Length];
        return Convert.TryFromBase64String(base64, buffer, out var written) ? written : -1;
    }

    private static void Check([System.Diagnostics.CodeAnalysis.DoesNotReturnIf(false)] bool condition, string source, string problem)
    {
        if (!condition) throw new EtcdStoreException($"{source} is not a valid kube-recover backup: {problem}");
    }
}
