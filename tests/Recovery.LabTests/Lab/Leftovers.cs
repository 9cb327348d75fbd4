namespace Recovery.LabTests.Lab;

/// <summary>
/// What a lab leaves on the host: processes (its inits, and anything inside its PID namespaces), namespaces
/// still held by a process, interfaces in the host's network namespace, mounts in the host's mount table, cgroups
/// (daemonset-docker: each node's dockerd makes /PREFIX-NODE in every hierarchy).
/// Snapshot while the lab runs, compare after `down`.
/// </summary>
public sealed record Leftovers(IReadOnlySet<string> Namespaces, IReadOnlyList<string> HostLinksAtCapture, string RunDir, string Prefix)
{
    /// <summary>The namespaces of the lab's inits and switch (their pids are in the run folder).</summary>
    public static Leftovers Capture(string runDir)
    {
        var prefix = File.ReadAllText(Path.Combine(runDir, "prefix")).Trim();
        var namespaces = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pid in Directory.GetFiles(Path.Combine(runDir, "pids")).Select(f => File.ReadAllText(f).Trim()))
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
        // Zombies are skipped: they hold no resources but a pid, and reaping the orphaned ones is the host's PID 1's job.
        foreach (var pid in AllPids().Where(p => !IsZombie(p)))
        {
            if (Cmdline(pid).Contains(Prefix, StringComparison.Ordinal))
            {
                found.Add($"process {pid}: {Cmdline(pid)}");
            }
            foreach (var type in new[] { "net", "mnt", "pid", "uts" })
            {
                if (TryReadLink($"/proc/{pid}/ns/{type}") is { } ns && Namespaces.Contains(ns))
                {
                    found.Add($"process {pid} in lab namespace {ns}: {Cmdline(pid)} {Describe(pid)}");
                }
            }
        }
        found.AddRange(File.ReadLines("/proc/self/mountinfo")
            .Where(l => l.Contains(RunDir, StringComparison.Ordinal) || l.Contains(Prefix, StringComparison.Ordinal))
            .Select(l => $"mount: {l}"));
        found.AddRange(HostLinks().Where(l => l.Contains(Prefix, StringComparison.Ordinal)).Select(l => $"link: {l}"));
        found.AddRange(Cgroups(Prefix).Select(c => $"cgroup: {c}"));
        if (Directory.Exists(RunDir))
        {
            found.Add($"run folder: {RunDir}");
        }
        return found;
    }

    /// <summary>The cgroups named after the lab's prefix, in every hierarchy under /sys/fs/cgroup.</summary>
    /// (v1: one folder per hierarchy below it; v2: the root itself).
    public static IReadOnlyList<string> Cgroups(string prefix) => Directory.Exists("/sys/fs/cgroup")
        ? Directory.GetDirectories("/sys/fs/cgroup").Prepend("/sys/fs/cgroup")
            .SelectMany(h => Directory.GetDirectories(h, $"{prefix}-*")).Order(StringComparer.Ordinal).ToList()
        : [];

    private static bool IsZombie(string pid)
    {
        try
        {
            return File.ReadLines($"/proc/{pid}/status").Any(l => l.StartsWith("State:", StringComparison.Ordinal) && l.Contains('Z'));
        }
        catch (IOException)
        {
            return true;   // gone
        }
    }

    private static string Describe(string pid)
    {
        try
        {
            return string.Join(' ', File.ReadLines($"/proc/{pid}/status").Where(l => l.StartsWith("Name:", StringComparison.Ordinal)
                || l.StartsWith("State:", StringComparison.Ordinal) || l.StartsWith("PPid:", StringComparison.Ordinal)));
        }
        catch (IOException)
        {
            return "";
        }
    }

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
