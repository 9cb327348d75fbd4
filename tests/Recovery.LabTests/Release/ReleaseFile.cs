namespace Recovery.LabTests.Release;

/// <summary>
/// One published single file from `tests/release/build.sh` (ReadyToRun, trimmed), and the argv prefix that runs it
/// on this x64 machine: the x64 file natively, the arm64 file under `qemu-aarch64-static` (against the Debian
/// multiarch arm64 userland tests/lab/install.sh installs; no -L). The release folder is KUBE_RECOVER_RELEASE_DIR,
/// else the repository's artifacts/release (build.sh's default): tests/run-tests.sh builds it before the lab tests.
/// </summary>
public sealed record ReleaseFile(string Rid, string Path, IReadOnlyList<string> Launcher)
{
    public const string X64 = "linux-x64";
    public const string Arm64 = "linux-arm64";

    public static string Folder { get; } = FindFolder();

    /// <summary>
    /// .NET under qemu-user is unsupported upstream: with W^X (the default since .NET 7) it hangs at random
    /// (dotnet/runtime#97228, dotnet/sdk#27190; here once in a CI run, 18 minutes without a line). Real arm64 has no
    /// such problem, so the emulator runs the file with W^X off; what is tested is the file's code, not the emulator.
    /// </summary>
    private static readonly string[] Qemu = ["env", "DOTNET_EnableWriteXorExecute=0", "qemu-aarch64-static"];

    /// <summary>The argv that runs this file with ARGS.</summary>
    public string[] Command(params string[] args) => [.. Launcher, Path, .. args];

    /// <summary>
    /// The file for RID. Missing: skipped with the reason where the lab is optional, a failure with
    /// KUBE_RECOVER_LAB=required (CI as root), because a release that was not built was not tested.
    /// </summary>
    public static ReleaseFile For(string rid)
    {
        var path = System.IO.Path.Combine(Folder, rid, "kube-recover");
        if (!File.Exists(path))
        {
            var reason = $"the release file {path} is missing; run tests/release/build.sh first (or set KUBE_RECOVER_RELEASE_DIR)";
            if (Environment.GetEnvironmentVariable("KUBE_RECOVER_LAB") == "required")
            {
                throw new FileNotFoundException($"KUBE_RECOVER_LAB=required but {reason}", path);
            }
            Skip.If(true, reason);
        }
        return new ReleaseFile(rid, path, rid == Arm64 ? Qemu : []);
    }

    private static string FindFolder()
    {
        if (Environment.GetEnvironmentVariable("KUBE_RECOVER_RELEASE_DIR") is { Length: > 0 } given)
        {
            return System.IO.Path.GetFullPath(given);
        }
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "Recovery.sln"))) dir = dir.Parent;
        return System.IO.Path.Combine(dir?.FullName ?? ".", "artifacts", "release");
    }
}
