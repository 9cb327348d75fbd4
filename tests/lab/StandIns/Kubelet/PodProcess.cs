using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Lab.StandIns.Kubelet;

/// <summary>
/// The running "container" of a static Pod: the command exec'd with stdout and stderr appended to a log file,
/// so the process itself (not a shell) carries the command's name. Stops with SIGTERM, then SIGKILL.
/// </summary>
internal sealed class PodProcess : IDisposable
{
    private static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(5);
    private readonly Process _process;

    private readonly DateTime _startedAt = DateTime.UtcNow;
    private DateTime? _exitedAt;

    private PodProcess(StaticPod pod, Process process)
    {
        Pod = pod;
        _process = process;
        _process.EnableRaisingEvents = true;
        _process.Exited += (_, _) => _exitedAt = DateTime.UtcNow;
    }

    public StaticPod Pod { get; }

    public int Pid => _process.Id;

    public bool Exited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>When the process exited (now, if the exit has not been signalled yet).</summary>
    public DateTime ExitedAt => _exitedAt ?? DateTime.UtcNow;

    /// <summary>How long the process ran (up to now when it still runs).</summary>
    public TimeSpan Ran => ExitedAt - _startedAt;

    public static PodProcess Start(StaticPod pod, string logFile)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(logFile)!);
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec \"$@\" >>\"$LAB_POD_LOG\" 2>&1 </dev/null");
        start.ArgumentList.Add("sh");
        foreach (var a in pod.Argv)
            start.ArgumentList.Add(a);
        start.Environment["LAB_POD_LOG"] = logFile;
        foreach (var (k, v) in pod.Env)
            start.Environment[k] = v;
        var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {pod.Argv[0]}");
        return new PodProcess(pod, process);
    }

    public async Task StopAsync()
    {
        if (_process.HasExited)
            return;
        _ = Kill(_process.Id, 15);
        using var grace = new CancellationTokenSource(GracePeriod);
        try
        {
            await _process.WaitForExitAsync(grace.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public void Dispose() => _process.Dispose();

#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code for one libc call
    [DllImport("libc", EntryPoint = "kill")]
    private static extern int Kill(int pid, int signal);
#pragma warning restore SYSLIB1054
}
