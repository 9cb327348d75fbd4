using System.Diagnostics;
using Recovery.Access;
using Recovery.Commands;
using Recovery.Facts;
using Recovery.Facts.Parsing;
using Recovery.Inventory;
using Recovery.Planning;
using Recovery.Tests.Fixtures;

namespace Recovery.Tests.Facts;

/// <summary>
/// A real dockerd 20.10.24 (Debian docker.io) running the lab's DaemonSet kube-proxy as dockershim names it
/// (Fixtures/docker/real-20.10, README.md there): what the probe reads, and what the stop's check makes of it.
/// </summary>
public sealed class RealDockerOutputTests
{
    private const string Dir = "docker/real-20.10/";

    [Fact]
    public void The_probes_docker_ps_finds_the_running_kube_proxy_container_by_its_dockershim_name()
    {
        var rows = ContainerTable.ParseDocker(Fixture.Read(Dir + "ps-filter-kube-proxy.txt"));

        var row = Assert.Single(rows);
        Assert.Equal(("3810d5ada940", "k8s_kube-proxy_kube-proxy-acfbb_kube-system_d12b1b26-72ea-4abc-a48d-43ad4fa30518_1", "Up 36 seconds"), (row.Id, row.Name, row.State));
        var facts = KubeProxyDetection.Decide(new KubeProxyEvidence(null, [], [], new HashSet<string>(), rows, []));
        Assert.Equal((KubeProxyManager.Docker, "3810d5ada940", true), (facts.Manager!.Value, facts.ContainerId!, facts.Running));
    }

    [Fact]
    public void A_stopped_container_is_not_listed_and_ps_a_lists_every_attempt()
    {
        Assert.Empty(ContainerTable.ParseDocker(Fixture.Read(Dir + "ps-filter-kube-proxy-none.txt")));
        var all = ContainerTable.ParseDocker(Fixture.Read(Dir + "ps-a-after-restart.txt"));
        Assert.Contains(all, r => r.Name.EndsWith("_1", StringComparison.Ordinal) && r.State!.StartsWith("Up ", StringComparison.Ordinal));
        Assert.Contains(all, r => r.Name.StartsWith("k8s_kube-proxy_", StringComparison.Ordinal) && r.State!.StartsWith("Exited (0)", StringComparison.Ordinal));
        Assert.Contains(all, r => r.Name.StartsWith("k8s_POD_kube-proxy-acfbb_", StringComparison.Ordinal));
    }

    [Fact]
    public void Docker_inspect_carries_dockershims_labels_and_host_network()
    {
        var inspect = Fixture.Read(Dir + "inspect-kube-proxy.json");
        foreach (var label in new[] { "\"io.kubernetes.docker.type\": \"container\"", "\"io.kubernetes.container.name\": \"kube-proxy\"",
                     "\"io.kubernetes.pod.namespace\": \"kube-system\"", "\"io.kubernetes.pod.name\": \"kube-proxy-acfbb\"", "\"NetworkMode\": \"host\"" })
        {
            Assert.Contains(label, inspect, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// dockerd not answering: `docker ps -q` exits 1 with nothing on stdout. Before the fix the stop's check read that
    /// as "the kube-proxy container is stopped". Run through bash with a `docker` that replays the captured answers.
    /// </summary>
    [Theory]
    [InlineData("ps-q-no-daemon", false)]
    [InlineData("ps-q-kube-proxy-running", false)]
    [InlineData("ps-filter-empty", true)]
    public void The_stop_check_holds_only_when_dockerd_answered_that_none_runs(string answer, bool holds)
    {
        var probe = Probe.PrintsNothing(new KubeProxyContainerRunning(ContainerClient.Docker, KubeletToo: false));
        Assert.Equal(holds, probe.HoldsFor(RunWithFakeDocker(probe.Command.ToShell(), answer)));
    }

    [Fact]
    public void The_stop_check_does_not_hold_while_kubelet_runs_again()
    {
        var probe = Probe.PrintsNothing(new KubeProxyContainerRunning(ContainerClient.Docker, KubeletToo: true));
        Assert.False(probe.HoldsFor(RunWithFakeDocker(probe.Command.ToShell(), "ps-filter-empty", kubeletActive: true)));
        Assert.True(probe.HoldsFor(RunWithFakeDocker(probe.Command.ToShell(), "ps-filter-empty", kubeletActive: false)));
    }

    private static CommandResult RunWithFakeDocker(ShellCommand command, string answer, bool kubeletActive = false)
    {
        var bin = Directory.CreateTempSubdirectory("fake-docker-");
        try
        {
            var (stdout, stderr, exit) = answer == "ps-filter-empty"
                ? ("", "", "0")
                : (Fixture.PathOf(Dir + answer + (answer == "ps-q-no-daemon" ? ".stdout" : ".txt")),
                    answer == "ps-q-no-daemon" ? Fixture.PathOf(Dir + "ps-q-no-daemon.stderr") : "", answer == "ps-q-no-daemon" ? Fixture.Read(Dir + "ps-q-no-daemon.exit").Trim() : "0");
            Write(bin.FullName, "docker", $"{(stdout.Length > 0 ? $"cat '{stdout}'" : "true")}; {(stderr.Length > 0 ? $"cat '{stderr}' >&2" : "true")}; exit {exit}");
            Write(bin.FullName, "systemctl", kubeletActive ? "exit 0" : "exit 3");
            var start = new ProcessStartInfo("bash", ["-c", command.Render()]) { RedirectStandardOutput = true, RedirectStandardError = true };
            start.Environment["PATH"] = $"{bin.FullName}:/usr/bin:/bin";
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd();
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return new CommandResult(process.ExitCode, output, error, TimeSpan.Zero);
        }
        finally
        {
            bin.Delete(recursive: true);
        }
    }

    private static void Write(string dir, string name, string body)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, $"#!/bin/sh\n{body}\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
