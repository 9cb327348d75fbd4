using System.Text;

namespace Recovery.Access;

/// <summary>
/// An OpenSSH known_hosts file, read the way ssh reads it: plain and hashed names, comma lists and patterns,
/// `[host]:port` for ports other than 22, several keys and key types per host, `@revoked` (a listed key is
/// refused) and `@cert-authority` (skipped: host certificates are not trusted by this tool). Lines that cannot
/// be read are skipped and counted, as ssh does, so one bad line does not make every host unknown.
/// </summary>
internal sealed class KnownHosts
{
    private readonly Lock _appendLock = new();
    private volatile KnownHostEntry[] _entries;

    private KnownHosts(string? path, KnownHostEntry[] entries, IReadOnlyList<int> malformedLines)
    {
        Path = path;
        _entries = entries;
        MalformedLines = malformedLines;
    }

    /// <summary>The file read, or null for text parsed from memory.</summary>
    public string? Path { get; }

    public IReadOnlyList<KnownHostEntry> Entries => _entries;

    /// <summary>Line numbers (1-based) that were skipped because they are not a known_hosts entry.</summary>
    public IReadOnlyList<int> MalformedLines { get; }

    /// <summary>Reads a file; a file that does not exist yet is an empty list (every host unknown).</summary>
    public static KnownHosts Load(string path)
    {
        var text = File.Exists(path) ? File.ReadAllText(path, Encoding.UTF8) : "";
        return Parse(text, path);
    }

    public static KnownHosts Parse(string text, string? path = null)
    {
        var entries = new List<KnownHostEntry>();
        var malformed = new List<int>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            if (TryParseLine(line, i + 1) is { } entry) entries.Add(entry);
            else malformed.Add(i + 1);
        }
        return new KnownHosts(path, entries.ToArray(), malformed);
    }

    /// <summary>The name ssh looks up: `host` on port 22, `[host]:port` otherwise.</summary>
    public static string LookupName(string host, int port) => port == 22 ? host : $"[{host}]:{port}";

    /// <summary>
    /// Decides on a presented key for a host known by any of <paramref name="hostNames"/> (its address, its name).
    /// Revoked wins over everything; then an exact match; then any entry for the host makes it a mismatch.
    /// </summary>
    public HostKeyMatch Check(IEnumerable<string> hostNames, int port, HostKey presented)
    {
        var names = hostNames.Select(h => LookupName(h, port)).ToList();
        var forHost = _entries.Where(e => e.Marker != KnownHostMarker.CertAuthority && names.Any(e.Names)).ToList();
        var revoked = forHost.Where(e => e.Marker == KnownHostMarker.Revoked && e.Key.Equals(presented)).ToList();
        if (revoked.Count > 0) return new HostKeyMatch(HostKeyOutcome.Revoked, revoked);
        var keys = forHost.Where(e => e.Marker == KnownHostMarker.None).ToList();
        var trusted = keys.Where(e => e.Key.Equals(presented)).ToList();
        if (trusted.Count > 0) return new HostKeyMatch(HostKeyOutcome.Trusted, trusted);
        return keys.Count > 0 ? new HostKeyMatch(HostKeyOutcome.Mismatch, keys) : new HostKeyMatch(HostKeyOutcome.Unknown, []);
    }

    /// <summary>The keys trusted for a host (no revoked or CA entries).</summary>
    public IReadOnlyList<HostKey> KeysFor(string host, int port)
    {
        var name = LookupName(host, port);
        return _entries.Where(e => e.Marker == KnownHostMarker.None && e.Names(name)).Select(e => e.Key).Distinct().ToList();
    }

    /// <summary>
    /// Adds `host type base64` (or `[host]:port type base64`) to the file and flushes it to disk before returning,
    /// so a key accepted once is checked from then on, also by a resumed run. The file is created 0600 if absent.
    /// </summary>
    public KnownHostEntry Append(string host, int port, HostKey key)
    {
        var path = Path ?? throw new InvalidOperationException("known_hosts parsed from text cannot be appended to");
        var name = LookupName(host, port);
        lock (_appendLock)
        {
            var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
            if (directory is not null && !Directory.Exists(directory))
            {
                if (OperatingSystem.IsWindows()) Directory.CreateDirectory(directory);
                else Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
            var options = new FileStreamOptions
            {
                Mode = FileMode.Append,
                Access = FileAccess.Write,
                Share = FileShare.Read,
            };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var stream = new FileStream(path, options))
            {
                var prefix = stream.Position > 0 && !EndsWithNewline(path) ? "\n" : "";
                var bytes = Encoding.UTF8.GetBytes($"{prefix}{name} {key.Type} {key.Base64}\n");
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            var entry = new KnownHostEntry(KnownHostMarker.None, name, key, -1);
            _entries = [.. _entries, entry];
            return entry;
        }
    }

    private static bool EndsWithNewline(string path)
    {
        using var read = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        if (read.Length == 0) return true;
        read.Seek(-1, SeekOrigin.End);
        return read.ReadByte() == '\n';
    }

    private static KnownHostEntry? TryParseLine(string line, int number)
    {
        var fields = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        var marker = KnownHostMarker.None;
        var at = 0;
        if (fields[0].StartsWith('@'))
        {
            marker = fields[0] switch
            {
                "@revoked" => KnownHostMarker.Revoked,
                "@cert-authority" => KnownHostMarker.CertAuthority,
                _ => (KnownHostMarker)(-1),
            };
            if (!Enum.IsDefined(marker)) return null;
            at = 1;
        }
        if (fields.Length < at + 3) return null;
        var key = HostKey.TryParse(fields[at + 1], fields[at + 2]);
        return key is null ? null : new KnownHostEntry(marker, fields[at], key, number);
    }
}
