namespace Recovery.LabTests.Recovery;

/// <summary>
/// Runs the freshly built kube-recover from a node's console, exactly as an operator would at that node's tty
/// (the build folder is outside the per-node folders, so every node sees it).
/// </summary>
public static class KubeRecover
{
    public static string Executable { get; } = Find();

    public static Task<LabCommandResult> RunAsync(LabFixture lab, string node, params string[] args) =>
        lab.ConsoleAsync(node, [Executable, .. args]);

    /// <summary>The kube-recover of the same build configuration as these tests (KUBE_RECOVER_BIN overrides).</summary>
    private static string Find()
    {
        if (Environment.GetEnvironmentVariable("KUBE_RECOVER_BIN") is { Length: > 0 } given) return given;
#if DEBUG
        const string configuration = "Debug";
#else
        const string configuration = "Release";
#endif
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Recovery.sln"))) dir = dir.Parent;
        var path = Path.Combine(dir?.FullName ?? ".", "src", "Recovery.Cli", "bin", configuration, "net10.0", "kube-recover");
        return File.Exists(path) ? path : throw new FileNotFoundException($"kube-recover is not built at {path}: run dotnet build -c {configuration} first");
    }
}
