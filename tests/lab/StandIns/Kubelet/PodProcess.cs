using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Lab.StandIns.Kubelet;

/// <summary>
/// The running "container" of a static Pod: the command exec'd with stdout and stderr appended to a log file,
/// so the process itself (not a shell) carries the command's name. It runs in a session of its own, as a container
/// runs outside kubelet's cgroup: stopping the kubelet unit (the systemctl stand-in signals its process group) does
/// not reach it. Started by this kubelet (a child: exit code known) or adopted from an earlier one (<see cref="PodRecords"/>).
/// Stops with SIGTERM, then SIGKILL.
/// </summary>
internal sealed class PodProcess : IDisposable
{
    private static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(5);
    private readonly Process? _child;
    private readonly DateTime _startedAt = DateTime.UtcNow;
    private DateTime? _exitedAt;

    private PodProcess(StaticPod pod, int pid, string startTime, Process? child)
    {
        Pod = pod;
        Pid = pid;
        StartTime = startTime;
        _child = child;
    }

    public StaticPod Pod { get; }

    public int Pid { get; }

    /// <summary>The process's start time in /proc/PID/stat (clock ticks since boot): tells it from a later process with the same pid.</summary>
    public string StartTime { get; }

    public bool Exited
    {
        get
        {
            var exited = _child?.HasExited ?? !Alive(Pid, StartTime);
            if (exited) _exitedAt ??= DateTime.UtcNow;
            return exited;
        }
    }

    /// <summary>"with code N", or why it is unknown (an adopted process is not this kubelet's child).</summary>
    public string HowExited => _child is { HasExited: true } ? $"with code {_child.ExitCode}" : "(exit code unknown: started by an earlier kubelet)";

    /// <summary>When the process exited (now, if its exit has not been seen yet).</summary>
    public DateTime ExitedAt => _exitedAt ?? DateTime.UtcNow;

    /// <summary>How long the process ran, or has been watched when adopted (up to now when it still runs).</summary>
    public TimeSpan Ran => ExitedAt - _startedAt;

    public static PodProcess Start(StaticPod pod, string logFile)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(logFile)!);
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        // setsid(1) calls setsid() and execs in the same process (the shell is no process group leader): same pid.
        start.ArgumentList.Add("exec setsid \"$@\" >>\"$LAB_POD_LOG\" 2>&1 </dev/null");
        start.ArgumentList.Add("sh");
        foreach (var a in pod.Argv)
            start.ArgumentList.Add(a);
        start.Environment["LAB_POD_LOG"] = logFile;
        foreach (var (k, v) in pod.Env)
            start.Environment[k] = v;
        var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {pod.Argv[0]}");
        return new PodProcess(pod, process.Id, ReadStartTime(process.Id) ?? "", process);
    }

    /// <summary>A pod an earlier kubelet started, if that very process still runs.</summary>
    public static PodProcess? Adopt(StaticPod pod, int pid, string startTime) =>
        Alive(pid, startTime) ? new PodProcess(pod, pid, startTime, null) : null;

    public async Task StopAsync()
    {
        if (Exited)
            return;
        _ = Kill(Pid, 15);
        var deadline = DateTime.UtcNow + GracePeriod;
        while (!Exited && DateTime.UtcNow < deadline)
            await Task.Delay(100);
        if (Exited)
            return;
        _ = Kill(Pid, 9);
        while (!Exited)
            await Task.Delay(100);
    }

    /// <summary>Leaves the process running (kubelet's own exit).</summary>
    public void Dispose() => _child?.Dispose();

    private static bool Alive(int pid, string startTime) => ReadStartTime(pid) == startTime;

    /// <summary>Field 22 of /proc/PID/stat; null when the process is gone or a zombie.</summary>
    private static string? ReadStartTime(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return fields[0] == "Z" ? null : fields[19];
    }

#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code for one libc call
    [DllImport("libc", EntryPoint = "kill")]
    private static extern int Kill(int pid, int signal);
#pragma warning restore SYSLIB1054
}
