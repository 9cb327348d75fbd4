using System.Diagnostics;
using System.Globalization;

namespace Lab.StandIns.Tests.Lab;

/// <summary>The kubelet stand-in runs static Pod manifests as processes, which outlive it as containers outlive a real kubelet.</summary>
public sealed class KubeletTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("standins-kubelet-").FullName;
    private readonly Process? _kubelet;

    public KubeletTests()
    {
        Directory.CreateDirectory(Manifests);
        if (File.Exists(LabCluster.StandIn))
            _kubelet = StartKubelet(Log);
    }

    // A process group of its own, as a unit's: setsid execs in place (the shell before it leads no group).
    private Process StartKubelet(string log) =>
        Run.Background(["setsid", LabCluster.StandIn, "kubelet", $"--pod-manifest-path={Manifests}", $"--lab-log-dir={Path.Combine(_dir, "logs")}",
            $"--lab-runtime-dir={Path.Combine(_dir, "runtime")}", "--v=2"], log);

    /// <summary>SIGTERM to the kubelet's process group, as the systemctl stand-in stops a unit (systemd: its cgroup).</summary>
    private static void Terminate(Process kubelet)
    {
        Run.Command(["kill", "-TERM", "--", $"-{kubelet.Id.ToString(CultureInfo.InvariantCulture)}"]);
        Assert.True(kubelet.WaitForExit(30_000), "kubelet exits on SIGTERM");
    }

    private string Manifests => Path.Combine(_dir, "manifests");

    private string Log => Path.Combine(_dir, "kubelet.log");

    private string Marker => Path.Combine(_dir, "marker");

    private string Manifest(string arg) => $"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: sleeper
          namespace: kube-system
        spec:
          containers:
          - name: sleeper
            image: busybox
            command: ["/bin/sh", "-c"]
            args: ["echo $$ >> {Marker}; echo {arg}; exec sleep 600"]
        """;

    private List<int> Started() => File.Exists(Marker)
        ? File.ReadAllLines(Marker).Where(l => l.Length > 0).Select(l => int.Parse(l, CultureInfo.InvariantCulture)).ToList()
        : [];

    private static bool Alive(int pid) => File.Exists($"/proc/{pid}/stat") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);

    [SkippableFact]
    public void Runs_restarts_and_stops_a_static_pod()
    {
        Skip.If(_kubelet is null, "lab-standin not built");
        File.WriteAllText(Path.Combine(Manifests, "sleeper.yaml"), Manifest("one"));
        Run.Eventually(() => Started().Count == 1 && Alive(Started()[0]), "the manifest's command runs");
        var first = Started()[0];
        Assert.Equal("sleep", File.ReadAllText($"/proc/{first}/comm").Trim());

        Run.Command(["kill", "-KILL", first.ToString(CultureInfo.InvariantCulture)]);
        Run.Eventually(() => Started().Count == 2 && Alive(Started()[1]), "restarted after it died");

        File.WriteAllText(Path.Combine(Manifests, "sleeper.yaml"), Manifest("two"));
        Run.Eventually(() => Started().Count == 3 && Alive(Started()[2]) && !Alive(Started()[1]), "restarted when the manifest changed");

        File.Move(Path.Combine(Manifests, "sleeper.yaml"), Path.Combine(_dir, "sleeper.yaml"));
        Run.Eventually(() => !Alive(Started()[2]), "stopped when the manifest left the folder");
        Thread.Sleep(2500);
        Assert.Equal(3, Started().Count);
        Assert.Contains("two", File.ReadAllText(Path.Combine(_dir, "logs", "kube-system_sleeper.log")));
    }

    [SkippableFact]
    public void A_command_that_keeps_failing_is_restarted_with_back_off()
    {
        Skip.If(_kubelet is null, "lab-standin not built");
        File.WriteAllText(Path.Combine(Manifests, "failing.yaml"), $"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: failing
            spec:
              containers:
              - name: failing
                command: ["/bin/sh", "-c", "echo $$ >> {Marker}; exit 3"]
            """);
        Run.Eventually(() => Started().Count >= 3, "restarted after failing");
        Thread.Sleep(8000);
        var restarts = File.ReadAllText(Log).Split('\n').Count(l => l.Contains("exited with code 3", StringComparison.Ordinal));
        Assert.InRange(restarts, 2, 7); // some 13 s of failures: without back-off there would be about 13
        Assert.False(_kubelet!.HasExited, "the kubelet survives its pods' failures");
    }

    [SkippableFact]
    public void Takes_the_folder_from_a_KubeletConfiguration()
    {
        Skip.If(_kubelet is null, "lab-standin not built");
        var other = Directory.CreateDirectory(Path.Combine(_dir, "static")).FullName;
        var config = Path.Combine(_dir, "config.yaml");
        File.WriteAllText(config, $"""
            apiVersion: kubelet.config.k8s.io/v1beta1
            kind: KubeletConfiguration
            staticPodPath: {other}
            """);
        using var kubelet = Run.Background(["setsid", LabCluster.StandIn, "kubelet", $"--config={config}", $"--lab-log-dir={Path.Combine(_dir, "logs2")}",
            $"--lab-runtime-dir={Path.Combine(_dir, "runtime2")}"], Path.Combine(_dir, "kubelet2.log"));
        try
        {
            File.WriteAllText(Path.Combine(other, "sleeper.yaml"), Manifest("from-config"));
            Run.Eventually(() => Started().Count == 1 && Alive(Started()[0]), "the manifest in staticPodPath runs");
        }
        finally
        {
            Terminate(kubelet);
        }
    }

    [SkippableFact]
    public void Stopping_the_kubelet_leaves_its_pods_running_and_the_next_kubelet_keeps_an_unchanged_one_and_replaces_a_changed_one()
    {
        Skip.If(_kubelet is null, "lab-standin not built");
        File.WriteAllText(Path.Combine(Manifests, "sleeper.yaml"), Manifest("one"));
        Run.Eventually(() => Started().Count == 1 && Alive(Started()[0]), "the manifest's command runs");
        var first = Started()[0];
        Terminate(_kubelet!);
        Assert.True(Alive(first), "the pod outlives its kubelet");

        using var second = StartKubelet(Path.Combine(_dir, "kubelet-second.log"));
        try
        {
            Run.Eventually(() => File.Exists(Path.Combine(_dir, "kubelet-second.log")) &&
                File.ReadAllText(Path.Combine(_dir, "kubelet-second.log")).Contains("started by an earlier kubelet", StringComparison.Ordinal), "the next kubelet finds the pod");
            File.WriteAllText(Path.Combine(Manifests, "other.yaml"), Manifest("other").Replace("name: sleeper", "name: other"));
            Run.Eventually(() => Started().Count == 2 && Alive(Started()[1]), "the next kubelet syncs (a new manifest runs)");
            Assert.True(Alive(first), "an unchanged pod is kept, not restarted");

            File.WriteAllText(Path.Combine(Manifests, "sleeper.yaml"), Manifest("changed"));
            Run.Eventually(() => !Alive(first) && Started().Count == 3 && Alive(Started()[2]), "a changed manifest replaces the adopted pod");
        }
        finally
        {
            Terminate(second);
        }
        Assert.True(Alive(Started()[2]), "pods outlive the second kubelet too");
    }

    public void Dispose()
    {
        if (_kubelet is { HasExited: false })
        {
            _kubelet.Kill(entireProcessTree: true);
            _kubelet.WaitForExit(10_000);
        }
        _kubelet?.Dispose();
        foreach (var pid in Started().Where(Alive))
            Run.Command(["kill", "-KILL", pid.ToString(CultureInfo.InvariantCulture)]);
        Directory.Delete(_dir, recursive: true);
    }
}
