namespace Recovery.Facts.Parsing;

/// <summary>A unit as `systemctl show UNIT... -p Id,LoadState,ActiveState,SubState,MainPID,FragmentPath,ExecStart,Restart,UnitFileState` prints it.</summary>
internal sealed record SystemdUnit(
    string Id,
    string LoadState,
    string ActiveState,
    string SubState,
    int? MainPid,
    string? FragmentPath,
    IReadOnlyList<string> ExecStart,
    string? Restart,
    string? UnitFileState)
{
    /// <summary>The unit file exists (not-found units are still printed, with LoadState=not-found).</summary>
    public bool Exists => LoadState is "loaded" or "masked";

    public bool IsActive => ActiveState is "active" or "activating" or "reloading";
}

/// <summary>
/// Parses `systemctl show` Key=Value output. Several units print as blocks separated by an empty line.
/// ExecStart looks like `{ path=/usr/bin/x ; argv[]=/usr/bin/x --flag=1 ; ignore_errors=no ; start_time=[...] ; ... }`.
/// </summary>
internal static class SystemdUnitShow
{
    public static IReadOnlyList<SystemdUnit> Parse(string output)
    {
        var units = new List<SystemdUnit>();
        var block = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var rawLine in output.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            if (line.Length == 0)
            {
                Flush();
                continue;
            }
            var eq = line.IndexOf('=');
            if (eq <= 0) continue;
            var key = line[..eq];
            // A unit prints each property once; a repeated key means a new block started without a separator.
            if (block.ContainsKey(key)) Flush();
            block[key] = line[(eq + 1)..];
        }
        Flush();
        return units;

        void Flush()
        {
            if (block.Count == 0) return;
            units.Add(ToUnit(block));
            block = new Dictionary<string, string>(StringComparer.Ordinal);
        }
    }

    private static SystemdUnit ToUnit(Dictionary<string, string> p) => new(
        p.GetValueOrDefault("Id", ""),
        p.GetValueOrDefault("LoadState", ""),
        p.GetValueOrDefault("ActiveState", ""),
        p.GetValueOrDefault("SubState", ""),
        int.TryParse(p.GetValueOrDefault("MainPID"), out var pid) && pid > 0 ? pid : null,
        NullIfEmpty(p.GetValueOrDefault("FragmentPath")),
        ExecArgv(p.GetValueOrDefault("ExecStart", "")),
        NullIfEmpty(p.GetValueOrDefault("Restart")),
        NullIfEmpty(p.GetValueOrDefault("UnitFileState")));

    /// <summary>The argv[] of the first command of an Exec property; systemd prints it space-joined.</summary>
    public static IReadOnlyList<string> ExecArgv(string value)
    {
        const string marker = "argv[]=";
        var start = value.IndexOf(marker, StringComparison.Ordinal);
        if (start < 0) return [];
        start += marker.Length;
        var end = value.IndexOf(" ; ", start, StringComparison.Ordinal);
        var argv = end < 0 ? value[start..].TrimEnd('}', ' ') : value[start..end];
        return argv.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
