using System.Globalization;
using System.Net;
using Recovery.Access;

namespace Recovery.Facts;

/// <summary>
/// The read-only commands <see cref="NodeProbe"/> runs on a node, built from typed values only. Each is small and
/// fast; a missing tool shows as exit 127 and becomes a note, never an error.
/// </summary>
internal static class ProbeCommands
{
    public static readonly IReadOnlyList<string> KubeProxyConfigFiles =
    [
        "/var/lib/kube-proxy/config.conf",
        "/var/lib/kube-proxy/kube-proxy-config.yaml",
        "/etc/kubernetes/kube-proxy-config.yaml",
        "/etc/kubernetes/kube-proxy.yaml",
    ];

    public static readonly IReadOnlyList<string> StaticPodManifests =
    [
        "/etc/kubernetes/manifests/kube-proxy.yaml",
        "/var/lib/rancher/rke2/agent/pod-manifests/kube-proxy.yaml",
    ];

    public static readonly IReadOnlyList<string> Kubeconfigs =
    [
        "/etc/kubernetes/admin.conf",
        // Written by k3s and RKE2 servers, pointing at their own API (https://127.0.0.1:6443): before a user's copy.
        "/etc/rancher/k3s/k3s.yaml",
        "/etc/rancher/rke2/rke2.yaml",
        "/root/.kube/config",
    ];

    /// <summary>Tools a distribution keeps outside PATH (RKE2): found as files.</summary>
    public static readonly IReadOnlyList<string> ToolsOffPath = [Kubernetes.KubectlProgram.Rke2, Kubernetes.KubectlProgram.Rke2Crictl];

    public static readonly IReadOnlyList<string> Units = ["kube-proxy.service", "k3s.service", "k3s-agent.service", "kubelet.service"];

    /// <summary>The kernel's hostname (what `hostname` prints, without needing that tool), then the machine-id: two lines.</summary>
    public static ShellCommand Identity { get; } = ShellCommand.Of("cat", "/proc/sys/kernel/hostname", "/etc/machine-id");

    /// <summary>JSON where iproute2 has `-j` (4.14+), else the one-line text form.</summary>
    public static ShellCommand Addresses { get; } = ShellCommand.Of("ip", "-j", "addr", "show").OrElse(ShellCommand.Of("ip", "-o", "addr", "show"));

    public static ShellCommand LocalRouteTable { get; } = ShellCommand.Of("ip", "route", "show", "table", "local");

    public static ShellCommand Processes { get; } = ShellCommand.Of("ps", "-e", "-o", "pid=", "-o", "args=");

    public static ShellCommand SystemdUnits { get; } = ShellCommand.Of(
        ["systemctl", "show", .. Units, "-p", "Id,LoadState,ActiveState,SubState,MainPID,FragmentPath,ExecStart,Restart,UnitFileState"]);

    /// <summary>Which of the well-known files exist (`ls -1d` prints the ones that do; the others go to stderr).</summary>
    /// <summary>Where kube-recover moves a static pod manifest while kube-proxy must stay stopped (outside every manifest folder).</summary>
    public const string AsideDirectory = Commands.AsideDirectory.Path;

    /// <summary>The manifests as kube-recover set them aside: a kube-proxy it stopped and owes a start.</summary>
    public static IReadOnlyList<string> AsideManifests { get; } = StaticPodManifests.Select(m => $"{AsideDirectory}/{Path.GetFileName(m)}").Distinct().ToList();

    public static IReadOnlyList<string> StaticPodDirectories { get; } = StaticPodManifests.Select(m => Path.GetDirectoryName(m)!).ToList();

    public static ShellCommand KnownFiles { get; } = ShellCommand.Of(["ls", "-1d", .. KubeProxyConfigFiles, .. StaticPodManifests, .. Kubeconfigs, .. AsideManifests, .. StaticPodDirectories, .. ToolsOffPath]);

    /// <summary>
    /// Which tools are installed: `command -v` prints the path of each one found. One name per call: dash's
    /// `command -v` (Debian's /bin/sh) looks at its first name only.
    /// </summary>
    public static ShellCommand Tools { get; } = ShellCommand.Of("command", "-v", "kubectl")
        .Then(ShellCommand.Of("command", "-v", "docker"))
        .Then(ShellCommand.Of("command", "-v", "crictl"))
        .Then(ShellCommand.Of("command", "-v", "curl"));

    /// <summary>The record of a kube-proxy an earlier kube-recover run stopped (<see cref="Facts.StopMarker"/>); exit 1 when there is none.</summary>
    public static ShellCommand StopMarker { get; } = ShellCommand.Of("cat", Facts.StopMarker.FilePath);

    public static ShellCommand DockerKubeProxy { get; } = ShellCommand.Of("docker", "ps", "--filter", "name=k8s_kube-proxy");

    public static ShellCommand CrictlKubeProxy { get; } = ShellCommand.Of("crictl", "ps", "--name", "kube-proxy");

    /// <summary>kube-proxy's running mode from its metrics port (<see cref="Commands.ProxyModeQuery"/>).</summary>
    public static ShellCommand ProxyMode => Commands.ProxyModeQuery.Shell;

    /// <summary>`ip route get ADDR` for each address, one answer per line group; an address with no route prints only to stderr.</summary>
    public static ShellCommand RouteGet(IEnumerable<IPAddress> addresses)
    {
        var words = addresses.Select(a => a.ToString()).ToList();
        if (words.Count == 0) throw new ArgumentException("at least one address is needed", nameof(addresses));
        return ShellCommand.Of(["sh", "-c", RouteGetScript, "sh", .. words]);
    }

    /// <summary>
    /// Every lookup in one `ip -batch` process (one process per address cost N² processes a survey: 900 at 30 nodes,
    /// 10,000 at 100); where `ip` has no -batch (busybox), one `ip route get` after the other. -force goes on past a
    /// failed lookup (no route), as the chain did; the answers are the same lines either way.
    /// </summary>
    private const string RouteGetScript =
        "if ip -batch /dev/null 2>/dev/null; then printf 'route get %s\\n' \"$@\" | ip -force -batch -; else for a; do ip route get \"$a\"; done; fi";

    /// <summary>
    /// Opens a TCP connection with bash's /dev/tcp, limited to <paramref name="seconds"/>; exit 0 when it connects. The
    /// inner bash prints when it started and the outer one when the wait ended (bash 5's EPOCHREALTIME; nothing on an
    /// older bash), so a timeout tells how long the connection itself waited (<see cref="ConnectWaited"/>): on a
    /// loaded node bash alone can take seconds to start, and that is not the target's silence.
    /// </summary>
    public static ShellCommand TcpConnect(IPAddress address, int port, int seconds = 2)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        // bash resolves the host part with getaddrinfo: a bare IPv6 literal works, brackets would not.
        var host = address.ToString();
        var limit = seconds.ToString(CultureInfo.InvariantCulture);
        return ShellCommand.Of("bash", "-c",
            $"timeout {limit} bash -c 'echo $EPOCHREALTIME; </dev/tcp/{host}/{port.ToString(CultureInfo.InvariantCulture)}'; r=$?; echo $EPOCHREALTIME; exit $r");
    }

    /// <summary>How long a <see cref="TcpConnect"/> waited for the connection once its bash had started; null when its output does not say.</summary>
    public static TimeSpan? ConnectWaited(CommandResult result)
    {
        var stamps = result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => double.TryParse(l.Replace(',', '.'), NumberStyles.Float, CultureInfo.InvariantCulture, out var t) ? t : (double?)null).ToList();
        return stamps is [{ } started, { } ended] && ended >= started ? TimeSpan.FromSeconds(ended - started) : null;
    }

    /// <summary>Reads kube-proxy's config file as its process sees it (through /proc/PID/root, which is / for a host process).</summary>
    public static ShellCommand ReadConfig(int? pid, string path)
    {
        if (!path.StartsWith('/') || path.Split('/').Contains("..")) throw new ArgumentException($"'{path}' is not an absolute path without '..'");
        var full = pid is { } p ? $"/proc/{p.ToString(CultureInfo.InvariantCulture)}/root{path}" : path;
        return ShellCommand.Of("cat", full);
    }
}
