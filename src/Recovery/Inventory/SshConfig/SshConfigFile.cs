using System.Text;

namespace Recovery.Inventory.SshConfig;

/// <summary>
/// The operator's ~/.ssh/config, the subset kube-recover uses (README "SSH from ~/.ssh/config"). Followed: OpenSSH's
/// ssh_config(5) (Debian openssh-client 9.2: DESCRIPTION, PATTERNS, TOKENS, Host, Match, Include, ProxyJump) and
/// readconf.c (freebsd-src crypto/openssh/readconf.c: process_config_line's keyword split, the Include handling that
/// evaluates an included file under the including block and restores it after, READCONF_MAX_DEPTH 16).
/// Read: `Host` (several patterns, `*`, `?`, `!`), `Match all`, `Include` (relative to ~/.ssh, globs in the file name,
/// lexical order), HostName, User, Port, IdentityFile, ProxyJump, UserKnownHostsFile, StrictHostKeyChecking.
/// Any other `Match` is not evaluated: its block is skipped, with a warning. Other keywords are ignored, as they
/// configure nothing this tool does. A malformed line is an error naming file:line (exit 2, nothing touched).
/// </summary>
internal sealed class SshConfigFile
{
    private const int MaxDepth = 16;
    private const long MaxFileBytes = 1024 * 1024;

    private static readonly string[] StrictValues = ["yes", "true", "no", "false", "off", "accept-new", "ask"];

    private readonly List<SshConfigEntry> _entries = [];
    private readonly List<string> _warnings = [];
    private readonly List<InventoryError> _errors = [];
    private readonly string _home;

    private SshConfigFile(string home) => _home = home;

    public static SshConfigFile Empty { get; } = new("/");

    /// <summary>Lines in file order, includes expanded where they stand.</summary>
    public IReadOnlyList<SshConfigEntry> Entries => _entries;

    /// <summary>What was read but not used (a Match block, an Include that matched no file), each naming file:line.</summary>
    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>Reads ~/.ssh/config (or <paramref name="path"/>); a file that does not exist is an empty config.</summary>
    /// <exception cref="InventoryException">Lines that cannot be read, each with file:line and what was expected.</exception>
    public static SshConfigFile Load(string path, string home)
    {
        var config = new SshConfigFile(home);
        if (File.Exists(path)) config.ReadFile(path, [], 0, null);
        return config.Checked();
    }

    /// <exception cref="InventoryException">As <see cref="Load"/>.</exception>
    public static SshConfigFile Parse(string text, string source, string home)
    {
        var config = new SshConfigFile(home);
        config.ReadText(text, source, [], 0);
        return config.Checked();
    }

    /// <summary>The lines that apply to a host known by any of <paramref name="hostNames"/> (its name, its address), in file order.</summary>
    public IEnumerable<SshConfigLine> For(IReadOnlyList<string> hostNames) =>
        _entries.Where(e => e.Applies(hostNames)).Select(e => e.Line);

    private SshConfigFile Checked() => _errors.Count > 0 ? throw new InventoryException(_errors.ToList()) : this;

    private void ReadFile(string path, IReadOnlyList<SshConfigCondition> outer, int depth, SshConfigLine? includedBy)
    {
        string text;
        try
        {
            var info = new FileInfo(path);
            if (info.Length > MaxFileBytes) throw new IOException($"is {info.Length} bytes; expected an ssh_config under {MaxFileBytes} bytes");
            // As ssh's secure_permissions: a file others may write could send every connection elsewhere.
            if ((info.UnixFileMode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
                throw new IOException("is writable by group or others, which ssh refuses too; run chmod go-w on it");
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(File.ReadAllBytes(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DecoderFallbackException)
        {
            _errors.Add(new InventoryError(includedBy?.Source ?? path, includedBy?.Line ?? 0, includedBy is null ? "ssh config" : "Include",
                $"{path} cannot be read ({e.Message}); expected a readable ssh_config file"));
            return;
        }
        ReadText(text, path, outer, depth);
    }

    private void ReadText(string text, string source, IReadOnlyList<SshConfigCondition> outer, int depth)
    {
        // Before the first Host or Match line, lines apply to every host.
        IReadOnlyList<SshConfigCondition> conditions = outer;
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            (string Keyword, IReadOnlyList<string> Args)? split;
            try
            {
                split = SshConfigTokens.Split(lines[i].TrimEnd('\r'));
            }
            catch (FormatException e)
            {
                _errors.Add(new InventoryError(source, i + 1, "line", $"{e.Message}; expected a closing quote"));
                continue;
            }
            if (split is not { } parts) continue;
            var line = new SshConfigLine(parts.Keyword, parts.Args, source, i + 1);
            switch (line.Keyword)
            {
                case "host":
                    if (line.Args.Count == 0) Error(line, "expected one or more host patterns");
                    conditions = [.. outer, new SshConfigCondition(line.Args)];
                    break;
                case "match":
                    var all = line.Args.Count == 1 && line.Args[0].Equals("all", StringComparison.OrdinalIgnoreCase);
                    if (!all) _warnings.Add($"{line.Origin}: 'Match {Logging.SafeText.Of(string.Join(' ', line.Args))}' is not evaluated by kube-recover: its block is skipped (use Host blocks for the nodes)");
                    conditions = [.. outer, new SshConfigCondition(null, Never: !all)];
                    break;
                case "include":
                    Include(line, conditions, depth);
                    break;
                default:
                    if (Check(line)) _entries.Add(new SshConfigEntry(line, conditions));
                    break;
            }
        }
    }

    private void Include(SshConfigLine line, IReadOnlyList<SshConfigCondition> conditions, int depth)
    {
        if (line.Args.Count == 0)
        {
            Error(line, "expected one or more file names");
            return;
        }
        if (depth + 1 > MaxDepth)
        {
            Error(line, $"includes nest deeper than {MaxDepth}; expected no Include loop");
            return;
        }
        foreach (var arg in line.Args)
        {
            var path = HomePath.Expand(arg, _home);
            if (!Path.IsPathRooted(path)) path = Path.Combine(_home, ".ssh", path);
            var files = Glob(path);
            if (files.Count == 0) _warnings.Add($"{line.Origin}: Include {Logging.SafeText.Of(arg)} matched no file");
            foreach (var file in files) ReadFile(file, conditions, depth + 1, line);
        }
    }

    // Wildcards in the file name only (the common `Include config.d/*`), expanded in lexical order as glob(3) does.
    private static List<string> Glob(string path)
    {
        var directory = Path.GetDirectoryName(path) ?? "/";
        var name = Path.GetFileName(path);
        if (name.IndexOfAny(['*', '?']) < 0) return File.Exists(path) ? [path] : [];
        if (!Directory.Exists(directory)) return [];
        return [.. Directory.EnumerateFiles(directory)
            .Where(f => !Path.GetFileName(f).StartsWith('.') && HostPatterns.Glob(name, Path.GetFileName(f)))
            .Order(StringComparer.Ordinal)];
    }

    // Values are checked wherever they stand, matched or not, as ssh does: a typo is found before it matters.
    private bool Check(SshConfigLine line)
    {
        var args = line.Args;
        switch (line.Keyword)
        {
            case "hostname" or "user" or "port" or "identityfile" or "proxyjump" or "stricthostkeychecking" when args.Count != 1:
                return Error(line, "expected exactly one value");
            case "userknownhostsfile" when args.Count == 0:
                return Error(line, "expected one or more file names");
            case "port" when !int.TryParse(args[0], System.Globalization.NumberStyles.None, null, out var port) || port is < 1 or > 65535:
                return Error(line, $"'{Logging.SafeText.Of(args[0])}' is not a TCP port; expected a number between 1 and 65535");
            case "user" when !SshUserName.IsValid(args[0]):
                return Error(line, $"'{Logging.SafeText.Of(args[0])}' is not a user name; expected a POSIX login name");
            case "stricthostkeychecking" when !StrictValues.Contains(args[0].ToLowerInvariant()):
                return Error(line, $"'{Logging.SafeText.Of(args[0])}' is not a value; expected one of {string.Join(", ", StrictValues)}");
            case "proxyjump":
                try
                {
                    JumpSpec.ParseChain(args[0]);
                    return true;
                }
                catch (FormatException e)
                {
                    return Error(line, e.Message);
                }
            default:
                return true;
        }
    }

    private bool Error(SshConfigLine line, string problem)
    {
        _errors.Add(new InventoryError(line.Source, line.Line, KeywordName(line.Keyword), problem));
        return false;
    }

    private static string KeywordName(string keyword) => keyword switch
    {
        "hostname" => "HostName",
        "identityfile" => "IdentityFile",
        "proxyjump" => "ProxyJump",
        "userknownhostsfile" => "UserKnownHostsFile",
        "stricthostkeychecking" => "StrictHostKeyChecking",
        _ => keyword.Length == 0 ? keyword : char.ToUpperInvariant(keyword[0]) + keyword[1..],
    };
}
