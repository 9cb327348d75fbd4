using System.Diagnostics;

namespace Recovery.LabTests.Lab;

/// <summary>
/// `lab.sh down` leaves nothing behind: after a complete `up` (here with kube-proxy as a static pod run by the
/// kubelet stand-in, the other supervision, and left running by a stopped kubelet), and after an `up` killed halfway.
/// Own labs, own collection.
/// </summary>
[Collection(Name)]
public sealed class DownTests : IClassFixture<DownTests.Prerequisites>
{
    public const string Name = "lab-down";
    private readonly Prerequisites _prerequisites;

    public DownTests(Prerequisites prerequisites) => _prerequisites = prerequisites;

    [SkippableFact]
    public async Task DownAfterACompleteUpLeavesNothing()
    {
        _prerequisites.EnsureReady();
        var lab = LabScript.ForRunDir(NewRunDir());
        var hostLinksBefore = Leftovers.HostLinks();
        try
        {
            (await lab.RunAsync(["up", "--nodes", "2", "--proxy-manager", "static-pod"], TimeSpan.FromMinutes(10)))
                .EnsureSuccess("lab.sh up --nodes 2 --proxy-manager static-pod");
            // Static pod: kube-proxy is a child of the kubelet stand-in, itself a systemd-stand-in unit.
            var parent = (await lab.RunAsync("console", "node2", "--", "bash", "-c",
                "ps -o comm= -p $(ps -o ppid= -p $(pgrep -x kube-proxy))")).EnsureSuccess("ps").StdOut.Trim();
            Assert.Equal("kubelet", parent);
            // A stopped kubelet leaves its pods running, as a real one: `down` must still take them.
            (await lab.RunAsync("console", "node2", "--", "systemctl", "stop", "kubelet")).EnsureSuccess("systemctl stop kubelet");
            var orphan = (await lab.RunAsync("console", "node2", "--", "bash", "-c",
                "for i in $(seq 50); do p=$(pgrep -x kube-proxy) && [ \"$(ps -o comm= -p $(ps -o ppid= -p $p))\" != kubelet ] && { echo $p; exit 0; }; sleep 0.2; done; exit 1"))
                .EnsureSuccess("kube-proxy running after kubelet stopped").StdOut.Trim();
            Assert.NotEmpty(orphan);
            // kubelet started again keeps the running pod of an unchanged manifest (same process).
            (await lab.RunAsync("console", "node2", "--", "systemctl", "start", "kubelet")).EnsureSuccess("systemctl start kubelet");
            (await lab.RunAsync("console", "node2", "--", "bash", "-c",
                "for i in $(seq 100); do grep -q 'kube-proxy running (pid [0-9]*), started by an earlier kubelet' /run/lab-systemd/kubelet.service/log && exit 0; sleep 0.2; done; exit 1"))
                .EnsureSuccess("the restarted kubelet finds kube-proxy running");
            Assert.Equal(orphan, (await lab.RunAsync("console", "node2", "--", "pgrep", "-x", "kube-proxy")).EnsureSuccess("pgrep").StdOut.Trim());
            Assert.Equal(hostLinksBefore, Leftovers.HostLinks());   // nothing in the host's network namespace
            var leftovers = Leftovers.Capture(lab.RunDir);
            Assert.True(leftovers.Namespaces.Count >= 8, $"namespaces found: {leftovers.Namespaces.Count}");

            (await lab.RunAsync("down")).EnsureSuccess("lab.sh down");

            var remaining = leftovers.Remaining();
            Assert.True(remaining.Count == 0, string.Join('\n', remaining));
            Assert.Equal(hostLinksBefore, Leftovers.HostLinks());
        }
        finally
        {
            await lab.RunAsync("down");
        }
    }

    /// <summary>daemonset-docker: a dockerd, its containerd, shims and containers per node, and their cgroups, all gone.</summary>
    [SkippableFact]
    public async Task DownAfterADockerLabLeavesNoDaemonContainerOrCgroup()
    {
        _prerequisites.EnsureReady();
        var lab = LabScript.ForRunDir(NewRunDir());
        try
        {
            (await lab.RunAsync(["up", "--nodes", "2", "--proxy-manager", "daemonset-docker"], TimeSpan.FromMinutes(10)))
                .EnsureSuccess("lab.sh up --nodes 2 --proxy-manager daemonset-docker");
            var comms = (await lab.RunAsync("console", "node2", "--", "ps", "-eo", "comm=")).EnsureSuccess("ps").StdOut;
            Assert.Contains("dockerd", comms.Split('\n'));
            Assert.Contains("containerd-shim", comms.Split('\n'));
            var leftovers = Leftovers.Capture(lab.RunDir);
            Assert.NotEmpty(Leftovers.Cgroups(leftovers.Prefix));   // the check below can see them

            (await lab.RunAsync("down")).EnsureSuccess("lab.sh down");

            var remaining = leftovers.Remaining();
            Assert.True(remaining.Count == 0, string.Join('\n', remaining));
        }
        finally
        {
            await lab.RunAsync("down");
        }
    }

    [SkippableFact]
    public async Task DownAfterAnUpKilledHalfwayLeavesNothing()
    {
        _prerequisites.EnsureReady();
        var runDir = NewRunDir();
        var lab = LabScript.ForRunDir(runDir);
        try
        {
            var start = new ProcessStartInfo("bash") { UseShellExecute = false, RedirectStandardError = true };
            start.ArgumentList.Add(lab.ScriptPath);
            start.ArgumentList.Add("up");
            start.ArgumentList.Add("--nodes");
            start.ArgumentList.Add("3");
            start.Environment["LAB_RUN_DIR"] = runDir;
            using var up = Process.Start(start)!;
            _ = up.StandardError.ReadToEndAsync();
            var deadline = DateTime.UtcNow.AddMinutes(5);
            while (!File.Exists(Path.Combine(runDir, "pids", "node2")) && DateTime.UtcNow < deadline && !up.HasExited)
            {
                await Task.Delay(100);
            }
            Assert.True(File.Exists(Path.Combine(runDir, "pids", "node2")), "up never started node2");
            var leftovers = Leftovers.Capture(runDir);
            up.Kill(entireProcessTree: false);   // only lab.sh itself, as kill -9 of a runner would: its children live on
            await up.WaitForExitAsync();

            (await lab.RunAsync("down")).EnsureSuccess("lab.sh down");

            var remaining = leftovers.Remaining();
            Assert.True(remaining.Count == 0, string.Join('\n', remaining));
        }
        finally
        {
            await lab.RunAsync("down");
        }
    }

    private static string NewRunDir() =>
        Path.Combine(LabScript.LabFolder, ".run", $"down-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}");

    /// <summary>The skip/fail policy of <see cref="LabFixture"/> without bringing a lab up.</summary>
    public sealed class Prerequisites : LabFixture
    {
        public override Task InitializeAsync() => CheckPrerequisitesAsync();

        public override Task DisposeAsync() => Task.CompletedTask;
    }
}
