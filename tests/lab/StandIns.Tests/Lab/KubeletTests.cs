using System.Diagnostics;
using System.Globalization;

namespace Lab.StandIns.Tests.Lab;

/// <summary>The kubelet stand-in runs static Pod manifests as child processes.</summary>
public sealed class KubeletTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("standins-kubelet-").FullName;
    private readonly Process? _kubelet;

    public KubeletTests()
    {
        Directory.CreateDirectory(Manifests);
        if (File.Exists(LabCluster.StandIn))
            _kubelet = Run.Background([LabCluster.StandIn, "kubelet", $"--pod-manifest-path={Manifests}", $"--lab-log-dir={Path.Combine(_dir, "logs")}", "--v=2"], Log);
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
    public void Stopping_the_kubelet_stops_its_pods()
    {
        Skip.If(_kubelet is null, "lab-standin not built");
        File.WriteAllText(Path.Combine(Manifests, "sleeper.yaml"), Manifest("one"));
        Run.Eventually(() => Started().Count == 1 && Alive(Started()[0]), "the manifest's command runs");
        Run.Command(["kill", "-TERM", _kubelet!.Id.ToString(CultureInfo.InvariantCulture)]);
        Assert.True(_kubelet.WaitForExit(30_000));
        Assert.False(Alive(Started()[0]));
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
