namespace Recovery.LabTests.Lab;

/// <summary>
/// What a lab leaves on the host: processes (its inits, and anything inside its PID namespaces), namespaces
/// still held by a process, interfaces in the host's network namespace, mounts in the host's mount table.
/// Snapshot while the lab runs, compare after `down`.
/// </summary>
public sealed record Leftovers(IReadOnlySet<string> Namespaces, IReadOnlyList<string> HostLinks, string RunDir, string Prefix)
{
    /// <summary>The namespaces of every process holding the prefix in its command line (inits, switch).</summary>
    public static Leftovers Capture(string runDir)
    {
        var prefix = File.ReadAllText(Path.Combine(runDir, "prefix")).Trim();
        var namespaces = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pid in PidsWithPrefix(prefix))
        {
            foreach (var type in new[] { "net", "mnt", "pid", "uts" })
            {
                if (TryReadLink($"/proc/{pid}/ns/{type}") is { } ns && ns != TryReadLink($"/proc/self/ns/{type}"))
                {
                    namespaces.Add(ns);
                }
            }
        }
        return new Leftovers(namespaces, HostLinks(), runDir, prefix);
    }

    public static IReadOnlyList<string> HostLinks() =>
        Directory.GetDirectories("/sys/class/net").Select(Path.GetFileName).OfType<string>().Order().ToList();

    /// <summary>Everything still there: empty when the lab left nothing.</summary>
    public IReadOnlyList<string> Remaining()
    {
        var found = new List<string>();
        foreach (var pid in AllPids())
        {
            if (Cmdline(pid).Contains(Prefix, StringComparison.Ordinal))
            {
                found.Add($"process {pid}: {Cmdline(pid)}");
            }
            foreach (var type in new[] { "net", "mnt", "pid", "uts" })
            {
                if (TryReadLink($"/proc/{pid}/ns/{type}") is { } ns && Namespaces.Contains(ns))
                {
                    found.Add($"process {pid} in lab namespace {ns}: {Cmdline(pid)}");
                }
            }
        }
        found.AddRange(File.ReadLines("/proc/self/mountinfo")
            .Where(l => l.Contains(RunDir, StringComparison.Ordinal) || l.Contains(Prefix, StringComparison.Ordinal))
            .Select(l => $"mount: {l}"));
        found.AddRange(HostLinks().Where(l => l.Contains(Prefix, StringComparison.Ordinal)).Select(l => $"link: {l}"));
        if (Directory.Exists(RunDir))
        {
            found.Add($"run folder: {RunDir}");
        }
        return found;
    }

    private static IEnumerable<string> PidsWithPrefix(string prefix) =>
        AllPids().Where(p => Cmdline(p).Contains(prefix, StringComparison.Ordinal));

    private static IEnumerable<string> AllPids() =>
        Directory.GetDirectories("/proc").Select(Path.GetFileName).OfType<string>().Where(n => n.All(char.IsAsciiDigit));

    private static string Cmdline(string pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return "";
        }
        catch (UnauthorizedAccessException)
        {
            return "";
        }
    }

    private static string? TryReadLink(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
