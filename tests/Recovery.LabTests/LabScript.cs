using System.Diagnostics;

namespace Recovery.LabTests;

/// <summary>
/// Runs `tests/lab/lab.sh` for one lab, identified by its run folder (LAB_RUN_DIR), so that several labs can
/// live side by side. Every call has a timeout; a command that overruns is killed with its whole process tree.
/// </summary>
public sealed class LabScript(string scriptPath, string runDir)
{
    public string ScriptPath { get; } = scriptPath;
    public string RunDir { get; } = runDir;

    public static string LabFolder { get; } = FindLabFolder();

    public static LabScript ForRunDir(string runDir) => new(Path.Combine(LabFolder, "lab.sh"), runDir);

    public async Task<LabCommandResult> RunAsync(IEnumerable<string> args, TimeSpan timeout, CancellationToken ct = default)
    {
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ScriptPath);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["LAB_RUN_DIR"] = RunDir;

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start bash");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            var partial = await stderr;
            if (ct.IsCancellationRequested)
            {
                throw;
            }
            throw new TimeoutException($"lab.sh {string.Join(' ', start.ArgumentList.Skip(1))} took longer than {timeout}\n{partial}");
        }
        return new LabCommandResult(process.ExitCode, await stdout, await stderr);
    }

    public Task<LabCommandResult> RunAsync(params string[] args) => RunAsync(args, TimeSpan.FromMinutes(3));

    private static string FindLabFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "lab", "lab.sh");
            if (File.Exists(candidate))
            {
                return Path.GetDirectoryName(candidate)!;
            }
        }
        throw new InvalidOperationException($"tests/lab/lab.sh not found above {AppContext.BaseDirectory}");
    }
}
