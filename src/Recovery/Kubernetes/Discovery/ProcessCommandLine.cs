using System.Text;

namespace Recovery.Kubernetes.Discovery;

/// <summary>kube-apiserver's running process: /proc/PID/cmdline, arguments separated (and ended) by NUL bytes.</summary>
internal static class ProcessCommandLine
{
    /// <summary>/proc cmdline is at most a few hundred KiB; more is not a command line.</summary>
    public const int MaxBytes = 4 * 1024 * 1024;

    public static EtcdSettings Read(ReadOnlySpan<byte> cmdline, string source)
    {
        if (cmdline.IsEmpty) throw new DiscoveryException($"{source}: empty command line (a kernel thread or an exited process)");
        if (cmdline.Length > MaxBytes) throw new DiscoveryException($"{source}: {cmdline.Length} bytes is not a process command line");
        var text = Encoding.UTF8.GetString(cmdline);
        var arguments = text.TrimEnd('\0').Split('\0');
        return ApiServerFlags.FromArguments(arguments, source);
    }
}
