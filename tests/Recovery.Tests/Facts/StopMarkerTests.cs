using System.Diagnostics;
using Recovery.Access;
using Recovery.Facts;
using Recovery.Inventory;
using Recovery.Planning;
using Recovery.Tests.Fixtures;

namespace Recovery.Tests.Facts;

/// <summary>
/// The node's record of a kube-proxy kube-recover stopped (/var/lib/kube-recover/stopped/kube-proxy): written by the
/// real script (sh, date, sync, mv on this machine), read back by the probe, and never trusted beyond its own shape.
/// </summary>
public sealed class StopMarkerTests : IDisposable
{
    private static readonly DateTimeOffset Planned = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);
    private readonly string dir = Directory.CreateTempSubdirectory("kr-marker-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [SkippableFact]
    public void The_real_write_script_leaves_a_whole_marker_that_parses()
    {
        Skip.IfNot(File.Exists("/bin/sh"), "needs /bin/sh");
        var path = Path.Combine(dir, "stopped", "kube-proxy");
        var lines = StopMarker.Lines(Planned, KubeProxyManager.Docker, kubeletStopped: true, unit: null, containerId: "0123456789abcdef", "systemctl start kubelet");
        // The product's command with the path swapped for a temporary one (the script takes it as its first argument).
        var argv = ((ShellCommand.Simple)new Recovery.Commands.StopMarkerWrite(lines).ToShell()).Argv.ToArray();
        argv[4] = path;
        var start = new ProcessStartInfo(argv[0], argv[1..]) { RedirectStandardError = true };
        using (var p = Process.Start(start)!)
        {
            Assert.True(p.WaitForExit(TimeSpan.FromMinutes(1)));
            Assert.True(p.ExitCode == 0, p.StandardError.ReadToEnd());
        }

        var text = File.ReadAllText(path);
        Assert.StartsWith(StopMarker.Header + "\nplanned: 2026-11-25T09:00:00Z\nmanager: docker\nkubelet: stopped\ncontainer: 0123456789abcdef\nstart: systemctl start kubelet\nstopped-at: 20", text, StringComparison.Ordinal);
        var marker = StopMarker.Parse(text);
        Assert.NotNull(marker);
        Assert.Equal(KubeProxyManager.Docker, marker.Manager);
        Assert.True(marker.KubeletStopped);
        Assert.Equal("0123456789abcdef", marker.ContainerId);
        Assert.Equal("2026-11-25T09:00:00Z", marker.Planned);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", marker.StoppedAt);
        Assert.Equal(marker.StoppedAt, marker.When);
        Assert.Equal(["kube-proxy"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
    }

    [Fact]
    public void Text_that_is_not_a_marker_or_values_out_of_shape_are_not_trusted()
    {
        Assert.Null(StopMarker.Parse(""));
        Assert.Null(StopMarker.Parse("manager: systemd\nunit: kube-proxy.service\n"));
        var hostile = StopMarker.Parse($"{StopMarker.Header}\nplanned: \u001b[31mred\nmanager: nonsense\nunit: kube-proxy; reboot\ncontainer: ../../etc\nstopped-at: 2026-11-25T09:01:00Z\n");
        Assert.NotNull(hostile);
        Assert.Null(hostile.Planned);
        Assert.Null(hostile.Manager);
        Assert.Null(hostile.Unit);
        Assert.Null(hostile.ContainerId);
        Assert.Equal("2026-11-25T09:01:00Z", hostile.When);
    }

    [Fact]
    public void A_stopped_systemd_unit_with_a_marker_is_owed_a_start()
    {
        var units = SystemdUnits("inactive");
        var facts = KubeProxyDetection.Decide(new KubeProxyEvidence(null, units, [], new HashSet<string>(), [], []) { Marker = Marker("systemd") });
        Assert.Equal(KubeProxyManager.Systemd, facts.Manager);
        Assert.False(facts.Running);
        Assert.True(facts.StoppedByTool);
        Assert.Equal("2026-11-25T09:00:05Z", facts.StoppedBy!.StoppedAt);
    }

    [Fact]
    public void A_stopped_container_docker_ps_no_longer_lists_is_found_from_the_marker()
    {
        var facts = KubeProxyDetection.Decide(new KubeProxyEvidence(null, [], [], new HashSet<string>(), [], [])
        {
            Marker = Marker("docker", "kubelet: stopped", "container: 4f3e2d1c0b0a"),
        });
        Assert.Equal(KubeProxyManager.Docker, facts.Manager);
        Assert.Equal("4f3e2d1c0b0a", facts.ContainerId);
        Assert.False(facts.Running);
        Assert.True(facts.StoppedBy!.KubeletStopped);
    }

    [Fact]
    public async Task The_probe_reads_the_marker_and_without_one_reports_nothing()
    {
        var inventory = Scenario.Inventory();
        var node = inventory.FindByName("node2")!;
        var without = await new NodeProbe(inventory).ProbeAsync(new FixtureShell(node, Scenario.Answers(inventory, "seed", node)));
        Assert.False(without.KubeProxy.StoppedByTool);
        Assert.DoesNotContain(without.Notes, n => n.Contains("stopped", StringComparison.Ordinal));

        var answers = Scenario.Answers(inventory, "seed", node);
        answers[ProbeCommands.StopMarker.Render()] = Fixture.Ok(string.Join('\n', StopMarker.Lines(Planned, KubeProxyManager.Docker, false, null, "0123456789ab", "docker start 0123456789ab")) + "\nstopped-at: 2026-11-25T09:00:07Z\n");
        var with = await new NodeProbe(inventory).ProbeAsync(new FixtureShell(node, answers));
        Assert.Equal("2026-11-25T09:00:07Z", with.KubeProxy.StoppedBy?.StoppedAt);

        answers[ProbeCommands.StopMarker.Render()] = Fixture.Ok("something else\n");
        var foreign = await new NodeProbe(inventory).ProbeAsync(new FixtureShell(node, answers));
        Assert.False(foreign.KubeProxy.StoppedByTool);
        Assert.Contains(foreign.Notes, n => n.Contains("is not a kube-recover stop marker", StringComparison.Ordinal));
    }

    internal static StopMarker Marker(string manager, params string[] more) =>
        StopMarker.Parse(string.Join('\n', new[] { StopMarker.Header, "planned: 2026-11-25T09:00:00Z", $"manager: {manager}" }.Concat(more).Append("stopped-at: 2026-11-25T09:00:05Z")))!;

    private static IReadOnlyList<Recovery.Facts.Parsing.SystemdUnit> SystemdUnits(string state) =>
        Recovery.Facts.Parsing.SystemdUnitShow.Parse(
            $"Id=kube-proxy.service\nLoadState=loaded\nActiveState={state}\nSubState=dead\nMainPID=0\nFragmentPath=/etc/systemd/system/kube-proxy.service\nExecStart=\nRestart=always\nUnitFileState=enabled\n");
}
