// Stand-in for kubelet's static Pods, as processes or (--lab-runtime=docker) in the node's real dockerd.
//
// Reproduces: --pod-manifest-path=DIR, or --config FILE with staticPodPath (other flags ignored); every second
// each non-hidden file in DIR is a Pod manifest whose first container's command + args run as a process
// (env from the container's env name/value pairs), output appended to /var/log/pods-lab/NS_NAME.log
// (--lab-log-dir to change the folder); a process that exits is started again (restartPolicy Always, after 1-9 s
// when it keeps failing within 10 s of its start, a short CrashLoopBackOff); when the
// manifest disappears or changes the process is stopped (SIGTERM, SIGKILL after 5 s) and, if changed, started
// again. So moving a manifest out of the folder stops the component, as with a real kubelet.
// Stopping kubelet leaves its pods running, as a real one leaves its containers to the runtime (kubelet stops a pod's
// containers only when it syncs the pod away, pkg/kubelet/kubelet.go syncPod/killPod, never on its own exit): each pod
// process runs in its own session (the systemctl stand-in's stop signals the unit's process group, as systemd its
// cgroup, which a container is not in), and what runs is recorded under --lab-runtime-dir (default /run/lab-kubelet,
// the node's own). A kubelet started again adopts a recorded pod that still runs when its manifest is unchanged and
// replaces it when the manifest changed or stops it when the manifest is gone, as upstream does with a running static
// pod's container: the pod's UID is a hash of the manifest (pkg/kubelet/config/common.go), and computePodActions
// (pkg/kubelet/kuberuntime/kuberuntime_manager.go) keeps a running container whose spec hash is unchanged
// (containerChanged) and kills it otherwise; a pod no manifest wants any more is killed by HandlePodCleanups
// (pkg/kubelet/kubelet_pods.go). `lab.sh down` kills every process of the node with its PID namespace.
//
// Without a runtime it does not reproduce: images, containers, namespaces or cgroups of any kind (the process shares the
// node's), mirror Pods in the API server, node registration and status, the real back-off timings, probes, more than one
// container, API-server Pods, the exit code of a pod an earlier kubelet started (not this one's child), the hash of the
// container spec (here the whole manifest's: any change replaces the pod, as it gets a new UID upstream too).
// --lab-runtime=docker: every pod (the static ones and the DaemonSet pods of --lab-daemonset-pods=DIR) runs in the node's
// dockerd as dockershim runs it (DockerPods.cs, which says what it does not reproduce); stopping kubelet then leaves
// them running, as a real kubelet does. Not reproduced here:
// pods from the API server (the DaemonSet pods are files the lab writes), node registration and status.
using YamlDotNet.RepresentationModel;

namespace Lab.StandIns.Kubelet;

internal static class Kubelet
{
    public static async Task<int> RunAsync(Flags flags, CancellationToken ct)
    {
        var dir = flags.Get("pod-manifest-path");
        if (dir is null && flags.Get("config") is { } configFile)
            dir = Yaml.LoadFile(configFile, "kubelet config").Text("staticPodPath");
        if (dir is null)
            throw new StartupException("no static Pod folder: give --pod-manifest-path=DIR or --config FILE with staticPodPath");
        var logDir = flags.Get("lab-log-dir", "/var/log/pods-lab");
        var records = new PodRecords(flags.Get("lab-runtime-dir", "/run/lab-kubelet"));
        if (flags.Get("lab-runtime") == "docker")
            return await RunDockerAsync(flags, dir, ct);
        Console.Error.WriteLine($"kubelet (lab stand-in): static Pods from {dir}, logs in {logDir}");
        var running = Adopt(records);
        var reported = new Dictionary<string, string>(StringComparer.Ordinal);
        var crashes = new Dictionary<string, int>(StringComparer.Ordinal);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await SyncAsync(dir, logDir, running, records, reported, crashes);
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        // The pods keep running (their records stay for the next kubelet).
        foreach (var p in running.Values)
            p.Dispose();
        return 0;
    }

    /// <summary>The pods an earlier kubelet started that still run; the records of the others are dropped.</summary>
    private static Dictionary<string, PodProcess> Adopt(PodRecords records)
    {
        var running = new Dictionary<string, PodProcess>(StringComparer.Ordinal);
        foreach (var r in records.Load())
        {
            var pod = new StaticPod(r.Manifest, r.Name, r.Namespace, [], new Dictionary<string, string>(), r.Hash);
            if (PodProcess.Adopt(pod, r.Pid, r.StartTime) is { } p)
            {
                running[r.Manifest] = p;
                Log($"found {r.Namespace}/{r.Name} running (pid {r.Pid}), started by an earlier kubelet");
            }
            else
            {
                records.Remove(r.Manifest);
            }
        }
        return running;
    }

    private static async Task<int> RunDockerAsync(Flags flags, string manifests, CancellationToken ct)
    {
        var node = flags.Get("hostname-override") ?? Environment.MachineName;
        var daemonSet = flags.Get("lab-daemonset-pods");
        var tarball = flags.Get("lab-image-tarball") ?? throw new StartupException("--lab-runtime=docker needs --lab-image-tarball=FILE");
        var mounts = (flags.Get("lab-pod-mounts") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries);
        var runtime = new DockerPods(tarball, mounts);
        var reported = new Dictionary<string, string>(StringComparer.Ordinal);
        Console.Error.WriteLine($"kubelet (lab stand-in): pods in dockerd, static from {manifests}, DaemonSet pods from {daemonSet}");
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var pods = Read(manifests, node, true, reported).Concat(daemonSet is null ? [] : Read(daemonSet, node, false, reported)).ToList();
                await runtime.SyncAsync(pods);
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        return 0;
    }

    private static IEnumerable<RuntimePod> Read(string dir, string node, bool isStatic, Dictionary<string, string> reported)
    {
        IEnumerable<string> files = Directory.Exists(dir) ? Directory.GetFiles(dir).Where(f => !Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal) : [];
        foreach (var file in files)
        {
            var (pod, problem) = RuntimePod.Read(file, node, isStatic);
            if (pod is not null)
            {
                reported.Remove(file);
                yield return pod;
            }
            else if (reported.GetValueOrDefault(file) != problem)
            {
                reported[file] = problem!;
                Log($"manifest {file}: {problem}");
            }
        }
    }

    private static async Task SyncAsync(string dir, string logDir, Dictionary<string, PodProcess> running, PodRecords records,
        Dictionary<string, string> reported, Dictionary<string, int> crashes)
    {
        var files = Directory.Exists(dir)
            ? Directory.GetFiles(dir).Where(f => !Path.GetFileName(f).StartsWith('.')).ToHashSet(StringComparer.Ordinal)
            : [];
        foreach (var file in running.Keys.Where(f => !files.Contains(f)).ToList())
        {
            Log($"manifest {file} removed: stopping {running[file].Pod.Name}");
            crashes.Remove(file);
            await StopAsync(running[file]);
            running[file].Dispose();
            running.Remove(file);
            records.Remove(file);
        }
        foreach (var file in files.Order(StringComparer.Ordinal))
        {
            var (pod, problem) = StaticPod.Read(file);
            if (pod is null)
            {
                if (reported.GetValueOrDefault(file) != problem)
                    Log($"manifest {file}: {problem}");
                reported[file] = problem!;
                continue;
            }
            reported.Remove(file);
            if (running.TryGetValue(file, out var current))
            {
                if (current.Pod.ContentHash != pod.ContentHash)
                {
                    Log($"manifest {file} changed: restarting {pod.Name}");
                    await StopAsync(current);
                }
                else if (current.Exited)
                {
                    // A container that keeps failing quickly is restarted with a growing delay (1 s .. 10 s),
                    // a short form of the real CrashLoopBackOff.
                    var quick = current.Ran < TimeSpan.FromSeconds(10);
                    var failures = quick ? crashes.GetValueOrDefault(file) + 1 : 0;
                    var delay = TimeSpan.FromSeconds(Math.Min(10, 1 << Math.Min(failures, 4)) - 1);
                    if (quick && DateTime.UtcNow - current.ExitedAt < delay)
                        continue;
                    crashes[file] = failures;
                    Log($"{pod.Name} exited {current.HowExited}: starting it again");
                }
                else
                {
                    continue;
                }
                current.Dispose();
                running.Remove(file);
            }
            try
            {
                var process = PodProcess.Start(pod, Path.Combine(logDir, $"{pod.Namespace}_{pod.Name}.log"));
                running[file] = process;
                records.Save(process);
                Log($"started {pod.Namespace}/{pod.Name}: pid {process.Pid}: {string.Join(' ', pod.Argv)}");
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                Log($"cannot start {pod.Name}: {e.Message}");
            }
        }
    }

    private static async Task StopAsync(PodProcess process)
    {
        await process.StopAsync();
        Log($"stopped {process.Pod.Namespace}/{process.Pod.Name} (pid {process.Pid})");
    }

    private static void Log(string message) => Console.Error.WriteLine($"kubelet: {message}");
}
