using System.Globalization;

namespace Lab.StandIns.Kubelet;

/// <summary>
/// kubelet's pod sync through dockershim, reduced to what the lab needs (kuberuntime_manager.go SyncPod,
/// dockershim docker_sandbox.go / docker_container.go / naming.go, the label keys of docker_service.go and
/// kuberuntime/labels.go): each pod gets a sandbox container (k8s_POD_...) and its first container
/// (k8s_CONTAINER_..._ATTEMPT), labelled as dockershim labels them. A sandbox that is not running is replaced (attempt+1)
/// and the pod's container with it; a container that exited or was stopped is started anew under attempt+1 (a new id),
/// the older dead ones removed (kubelet's container GC keeps a few). Containers of pods no longer wanted are stopped and
/// removed. Nothing is stopped when kubelet stops: the containers belong to dockerd.
/// Not reproduced: the real back-off timings (10 s doubling to 5 min; here 1 s to 10 s), probes, `privileged` (all
/// capabilities but CAP_SYS_RESOURCE, no device access), volumes other than the lab's
/// bind mounts, pod IPC/PID sharing, resource limits and the kubepods cgroup tree, image pulls (an image missing is
/// imported from the lab's rootfs tarball).
/// </summary>
internal sealed class DockerPods(string imageTarball, IReadOnlyList<string> mounts)
{
    private const string TypeLabel = "io.kubernetes.docker.type";
    private const string UidLabel = "io.kubernetes.pod.uid";
    private const string NameLabel = "io.kubernetes.container.name";
    private const string RestartLabel = "annotation.io.kubernetes.container.restartCount";
    private const string Format = "{{.ID}}\t{{.Names}}\t{{.State}}\t{{.Label \"" + UidLabel + "\"}}\t{{.Label \"" + TypeLabel + "\"}}\t{{.Label \"" + RestartLabel + "\"}}";

    private sealed record Row(string Id, string Name, bool Running, string Uid, string Type, int Attempt);

    private readonly Dictionary<string, string> _reported = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (DateTime At, int Failures)> _started = new(StringComparer.Ordinal);

    public async Task SyncAsync(IReadOnlyList<RuntimePod> pods)
    {
        var listed = await DockerCli.RunAsync(["ps", "-a", "--no-trunc", "--filter", $"label={TypeLabel}", "--format", Format]);
        if (!listed.Ok)
        {
            Report("docker", $"docker ps: {listed.StdErr}");
            return;
        }
        _reported.Remove("docker");
        var rows = listed.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(ParseRow).OfType<Row>().ToList();
        foreach (var stale in rows.Where(r => pods.All(p => p.Uid != r.Uid)))
        {
            Log($"pod of {stale.Name} is no longer wanted: removing it");
            await RemoveAsync(stale, grace: 5);
        }
        foreach (var pod in pods)
            await SyncPodAsync(pod, rows.Where(r => r.Uid == pod.Uid).ToList());
    }

    private async Task SyncPodAsync(RuntimePod pod, List<Row> rows)
    {
        var sandboxes = rows.Where(r => r.Type == "podsandbox").ToList();
        var containers = rows.Where(r => r.Type == "container").ToList();
        var sandbox = sandboxes.FirstOrDefault(r => r.Running);
        if (sandbox is null)
        {
            // kuberuntime_manager.go computePodActions: a dead sandbox kills the pod's containers and makes a new one.
            foreach (var row in rows)
                await RemoveAsync(row, grace: 30);
            var attempt = SandboxAttempt(sandboxes);
            var id = await RunAsync(pod, SandboxArgs(pod, attempt), "k8s.gcr.io/pause:3.2", ["sleep", "infinity"]);
            if (id is null)
                return;
            sandbox = new Row(id, pod.SandboxName(attempt), true, pod.Uid, "podsandbox", attempt);
            containers = [];
        }
        if (containers.Any(c => c.Running))
            return;
        if (BackingOff(pod.Uid))
            return;
        var next = containers.Count == 0 ? 0 : containers.Max(c => c.Attempt) + 1;
        foreach (var dead in containers.OrderByDescending(c => c.Attempt).Skip(1))
            await RemoveAsync(dead, grace: 0);
        if (containers.Count > 0)
            Log($"{pod.Namespace}/{pod.Name}: container {pod.ContainerName} is not running: starting attempt {next}");
        if (await RunAsync(pod, ContainerArgs(pod, sandbox.Id, next), pod.Image, pod.Argv) is { } started)
            Log($"started {pod.ContainerDockerName(next)}: {started[..12]}");
        var quick = _started.TryGetValue(pod.Uid, out var last) && DateTime.UtcNow - last.At < TimeSpan.FromSeconds(10);
        _started[pod.Uid] = (DateTime.UtcNow, quick ? last.Failures + 1 : 0);
    }

    // A short CrashLoopBackOff: a container that dies within 10 s of its start waits 1, 2, 4, 8, then 10 s.
    private bool BackingOff(string uid) =>
        _started.TryGetValue(uid, out var last) && last.Failures > 0
        && DateTime.UtcNow - last.At < TimeSpan.FromSeconds(Math.Min(10, 1 << Math.Min(last.Failures - 1, 4)));

    // Attempts are the last field of the sandbox's name.
    private static int SandboxAttempt(List<Row> sandboxes) =>
        sandboxes.Count == 0 ? 0 : sandboxes.Max(s => int.TryParse(s.Name[(s.Name.LastIndexOf('_') + 1)..], CultureInfo.InvariantCulture, out var a) ? a : 0) + 1;

    private List<string> SandboxArgs(RuntimePod pod, int attempt)
    {
        var args = new List<string> { "--name", pod.SandboxName(attempt) };
        foreach (var (k, v) in pod.Labels)
            args.AddRange(["--label", $"{k}={v}"]);
        args.AddRange(["--label", $"{TypeLabel}=podsandbox", "--label", $"io.kubernetes.pod.name={pod.Name}",
            "--label", $"io.kubernetes.pod.namespace={pod.Namespace}", "--label", $"{UidLabel}={pod.Uid}",
            "--label", $"annotation.kubernetes.io/config.source={pod.Source}"]);
        if (pod.HostNetwork)
            args.AddRange(["--network", "host"]);
        return args;
    }

    private List<string> ContainerArgs(RuntimePod pod, string sandboxId, int attempt)
    {
        var args = new List<string> { "--name", pod.ContainerDockerName(attempt),
            "--label", $"{TypeLabel}=container", "--label", $"io.kubernetes.sandbox.id={sandboxId}",
            "--label", $"{NameLabel}={pod.ContainerName}", "--label", $"io.kubernetes.pod.name={pod.Name}",
            "--label", $"io.kubernetes.pod.namespace={pod.Namespace}", "--label", $"{UidLabel}={pod.Uid}",
            "--label", $"io.kubernetes.container.logpath=/var/log/pods/{pod.Namespace}_{pod.Name}_{pod.Uid}/{pod.ContainerName}/{attempt}.log",
            "--label", $"annotation.io.kubernetes.container.hash={pod.SpecHash()}",
            "--label", $"{RestartLabel}={attempt}",
            "--label", "annotation.io.kubernetes.container.terminationMessagePath=/dev/termination-log",
            "--label", "annotation.io.kubernetes.container.terminationMessagePolicy=File",
            "--label", "annotation.io.kubernetes.pod.terminationGracePeriod=30" };
        foreach (var (k, v) in pod.Env)
            args.AddRange(["--env", $"{k}={v}"]);
        if (pod.HostNetwork)
            args.AddRange(["--network", "host"]);
        // privileged: all capabilities but CAP_SYS_RESOURCE, which the machines the lab runs on withhold from their
        // containers (runc: "unable to apply caps"); kube-proxy needs CAP_NET_ADMIN.
        if (pod.Privileged)
            args.AddRange(["--cap-add", "ALL", "--cap-drop", "SYS_RESOURCE", "--security-opt", "seccomp=unconfined"]);
        return args;
    }

    /// <summary>`docker run -d` with the lab's mounts, PATH and .NET root (the stand-ins are .NET programs); the new id, or null.</summary>
    private async Task<string?> RunAsync(RuntimePod pod, List<string> specific, string image, IReadOnlyList<string> argv)
    {
        if (!await EnsureImageAsync(image))
            return null;
        var args = new List<string> { "run", "-d", "--restart", "no", "--tmpfs", "/tmp" };
        args.AddRange(specific);
        foreach (var m in mounts)
            args.AddRange(["--volume", $"{m}:{m}:ro"]);
        args.AddRange(["--env", $"PATH={Environment.GetEnvironmentVariable("PATH")}", "--env", $"DOTNET_ROOT={DotnetRoot()}", image]);
        args.AddRange(argv);
        var run = await DockerCli.RunAsync(args);
        if (!run.Ok)
        {
            Report(pod.Uid, $"{pod.Namespace}/{pod.Name}: docker run failed: {run.StdErr}");
            return null;
        }
        _reported.Remove(pod.Uid);
        return run.StdOut.Trim();
    }

    private async Task<bool> EnsureImageAsync(string image)
    {
        if ((await DockerCli.RunAsync(["image", "inspect", "--format", "{{.Id}}", image])).Ok)
            return true;
        var imported = await DockerCli.RunAsync(["import", imageTarball, image]);
        if (!imported.Ok)
            Report(image, $"cannot import {image} from {imageTarball}: {imported.StdErr}");
        else
            Log($"image {image} imported from {imageTarball}");
        return imported.Ok;
    }

    private async Task RemoveAsync(Row row, int grace)
    {
        if (row.Running)
            await DockerCli.RunAsync(["stop", "-t", grace.ToString(CultureInfo.InvariantCulture), row.Id]);
        var removed = await DockerCli.RunAsync(["rm", "-f", row.Id]);
        if (!removed.Ok)
            Log($"docker rm {row.Name}: {removed.StdErr}");
    }

    private static Row? ParseRow(string line)
    {
        var f = line.Split('\t');
        if (f.Length < 6)
            return null;
        return new Row(f[0], f[1], f[2] == "running", f[3], f[4], int.TryParse(f[5], CultureInfo.InvariantCulture, out var a) ? a : 0);
    }

    // shared/Microsoft.NETCore.App/VERSION/ is three levels below the .NET root.
    private static string DotnetRoot() =>
        Path.GetFullPath(Path.Combine(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));

    private void Report(string key, string message)
    {
        if (_reported.GetValueOrDefault(key) == message)
            return;
        _reported[key] = message;
        Log(message);
    }

    private static void Log(string message) => Console.Error.WriteLine($"kubelet: {message}");
}
