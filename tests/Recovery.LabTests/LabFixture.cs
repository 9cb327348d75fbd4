using System.Text.RegularExpressions;

namespace Recovery.LabTests;

/// <summary>
/// One lab for one xunit test collection: brought up once (`lab.sh up`) before the collection's first test, taken
/// down (`lab.sh down`) after its last. Each fixture has its own run folder under tests/lab/.run, named
/// NAME-PID-ID, so collections run side by side, and folders left by a killed test run are taken down first.
///
/// Tests call <see cref="EnsureReady"/> first: it skips (Xunit.SkippableFact) when the lab cannot run here
/// (not root, or the packages of tests/lab/install.sh absent), with the reason; with KUBE_RECOVER_LAB=required
/// (CI) those become failures. A lab that should come up but does not is a failure, with lab.sh's output.
/// Derive from this class to bring up a different lab (other node count, proxy manager).
/// At most <see cref="Slots"/> labs are up at once (AssemblyInfo.cs): a fixture waits for a slot before `up` and frees
/// it after `down`, whatever order xunit creates the collections' fixtures in.
/// </summary>
public partial class LabFixture : IAsyncLifetime
{
    private static readonly string[] RequiredTools =
        ["unshare", "nsenter", "ip", "etcd", "etcdctl", "sshd", "ssh", "ssh-keyscan", "openssl", "curl", "dotnet", "dockerd"];

    private static readonly SemaphoreSlim Slots = new(2);
    private static readonly Lazy<Task> AbandonedLabsTakenDown = new(TakeDownAbandonedLabsAsync);

    private bool _holdsSlot;
    private string? _skipReason;
    private string? _upFailure;
    private LabEnvironment? _environment;
    private LabScript? _script;

    /// <summary>Short name of this lab (run folder name); letters, digits and dashes.</summary>
    protected virtual string Name => "tests";

    /// <summary>Options after `lab.sh up`.</summary>
    protected virtual IReadOnlyList<string> UpArguments => [];

    public LabScript Script => _script ??= LabScript.ForRunDir(
        Path.Combine(LabScript.LabFolder, ".run", $"{Name}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}"));

    public LabEnvironment Env => _environment ?? throw new InvalidOperationException("the lab is not up");

    public virtual async Task InitializeAsync()
    {
        if (!CheckPrerequisites())
        {
            return;
        }
        await AbandonedLabsTakenDown.Value;
        await Slots.WaitAsync();
        _holdsSlot = true;
        var up = await Script.RunAsync(["up", .. UpArguments], TimeSpan.FromMinutes(10));
        if (!up.Succeeded)
        {
            _upFailure = $"lab.sh up {string.Join(' ', UpArguments)} failed (exit {up.ExitCode}):\n{up.StdErr}";
            return;
        }
        var env = await Script.RunAsync("env");
        _environment = LabEnvironment.Parse(env.EnsureSuccess("lab.sh env").StdOut);
    }

    public virtual async Task DisposeAsync()
    {
        try
        {
            if (_skipReason is null)
            {
                await Script.RunAsync("down");
            }
        }
        finally
        {
            if (_holdsSlot)
            {
                _holdsSlot = false;
                Slots.Release();
            }
        }
    }

    /// <summary>For fixtures that run their own labs: only the skip/fail policy.</summary>
    protected Task CheckPrerequisitesAsync()
    {
        CheckPrerequisites();
        return Task.CompletedTask;
    }

    private bool CheckPrerequisites()
    {
        _skipReason = MissingPrerequisite();
        if (_skipReason is not null && Environment.GetEnvironmentVariable("KUBE_RECOVER_LAB") == "required")
        {
            _upFailure = $"KUBE_RECOVER_LAB=required but {_skipReason}";
            _skipReason = null;
        }
        return _skipReason is null && _upFailure is null;
    }

    /// <summary>Skips the test when the lab cannot run on this machine; fails it when the lab should have come up.</summary>
    public void EnsureReady()
    {
        Skip.If(_skipReason is not null, _skipReason);
        if (_upFailure is not null)
        {
            throw new InvalidOperationException(_upFailure);
        }
    }

    /// <summary>Runs a command as root inside NODE's namespaces (`lab.sh console NODE -- ARGV...`).</summary>
    public Task<LabCommandResult> ConsoleAsync(string node, params string[] argv) =>
        Script.RunAsync(["console", node, "--", .. argv], TimeSpan.FromMinutes(2));

    /// <summary>Runs a bash script inside NODE's namespaces.</summary>
    public Task<LabCommandResult> BashAsync(string node, string script) => ConsoleAsync(node, "bash", "-c", script);

    public async Task<LabStatus> StatusAsync()
    {
        var status = await Script.RunAsync("status");
        return LabStatus.Parse(status.EnsureSuccess("lab.sh status").StdOut);
    }

    public async Task BreakAsync(params string[] options) =>
        (await Script.RunAsync(["break", .. options], TimeSpan.FromMinutes(3))).EnsureSuccess("lab.sh break");

    private static string? MissingPrerequisite()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "the lab needs Linux namespaces";
        }
        if (!IsRoot())
        {
            return "the lab needs root (network, PID and mount namespaces); run the lab tests as root";
        }
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Concat(["/usr/sbin", "/sbin"]).ToList();
        var missing = RequiredTools.Where(t => !path.Any(dir => File.Exists(Path.Combine(dir, t)))).ToList();
        if (!File.Exists(Path.Combine(LabScript.LabFolder, ".tools", "kubectl")))
        {
            missing.Add("kubectl 1.20 (tests/lab/.tools/kubectl)");
        }
        return missing.Count == 0
            ? null
            : $"lab prerequisites missing: {string.Join(", ", missing)}; run tests/lab/install.sh as root";
    }

    private static bool IsRoot()
    {
        var uid = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal));
        return uid is not null && uid.Split('\t', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(2) == "0";
    }

    /// <summary>Run folders of test processes that no longer exist (a killed test run): take their labs down.</summary>
    private static async Task TakeDownAbandonedLabsAsync()
    {
        var runs = Path.Combine(LabScript.LabFolder, ".run");
        if (!Directory.Exists(runs))
        {
            return;
        }
        foreach (var dir in Directory.GetDirectories(runs))
        {
            var match = RunFolderName().Match(Path.GetFileName(dir));
            if (match.Success && !Directory.Exists($"/proc/{match.Groups["pid"].Value}"))
            {
                await LabScript.ForRunDir(dir).RunAsync("down");
            }
        }
    }

    [GeneratedRegex(@"^[a-z0-9-]+-(?<pid>\d+)-[0-9a-f]{8}$")]
    private static partial Regex RunFolderName();
}

/// <summary>The default lab (3 nodes, all control plane + etcd, kube-proxy as a systemd unit), shared by a collection.</summary>
[CollectionDefinition(Name)]
public sealed class LabCollection : ICollectionFixture<LabFixture>
{
    public const string Name = "lab";
}
