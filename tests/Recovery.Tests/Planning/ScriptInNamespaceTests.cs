using System.Diagnostics;
using System.Net;
using Recovery.Facts;
using Recovery.Inventory;
using Recovery.Planning;
using static Recovery.Tests.Planning.Cluster;

namespace Recovery.Tests.Planning;

/// <summary>
/// Runs the rendered console scripts of two nodes against real iproute2 and the real kernel routing, each node a
/// network namespace of its own joined by a veth pair, kube-ipvs0 a down bridge (this kernel has no dummy driver),
/// exactly as in the lab: node1 owns 10.0.0.211 and both nodes have it on kube-ipvs0, so from node2 the kernel
/// answers `local` for it. Stand-in: `systemctl` (a 6-line script in a PATH folder, its header says so), because
/// the host's systemd must not be touched. The scripts run up to (not including) the Service fix, which needs an API.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ScriptInNamespaceTests : IDisposable
{
    private readonly string prefix = $"krpl{Guid.NewGuid().ToString("N")[..6]}";
    private readonly string work = Path.Combine(Path.GetTempPath(), $"kr-script-ns-{Guid.NewGuid():N}");
    private readonly List<string> namespaces = [];

    public void Dispose()
    {
        foreach (var ns in namespaces) Run("ip", "netns", "del", ns);
        if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
    }

    [SkippableFact]
    public void Scripts_unbind_the_hijacked_address_restore_the_owners_route_and_are_idempotent()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && Environment.UserName == "root", "needs root on Linux for network namespaces");
        var (ns1, ns2) = ($"{prefix}-n1", $"{prefix}-n2");
        Skip.IfNot(Run("ip", "netns", "add", ns1).Code == 0, "ip netns add is not permitted here");
        namespaces.Add(ns1);
        Must("ip", "netns", "add", ns2);
        namespaces.Add(ns2);
        Must("ip", "link", "add", $"{prefix}a", "type", "veth", "peer", "name", $"{prefix}b");
        Must("ip", "link", "set", $"{prefix}a", "netns", ns1, "name", "eth0");
        Must("ip", "link", "set", $"{prefix}b", "netns", ns2, "name", "eth0");
        foreach (var (ns, own) in new[] { (ns1, "10.0.0.211"), (ns2, "10.0.0.213") })
        {
            Must("ip", "-n", ns, "link", "set", "lo", "up");
            Must("ip", "-n", ns, "addr", "add", $"{own}/24", "dev", "eth0");
            Must("ip", "-n", ns, "link", "set", "eth0", "up");
            Must("ip", "-n", ns, "link", "add", "kube-ipvs0", "type", "bridge");
            Must("ip", "-n", ns, "addr", "add", "10.96.0.1/32", "dev", "kube-ipvs0");
            Must("ip", "-n", ns, "addr", "add", "10.0.0.211/32", "dev", "kube-ipvs0");
        }
        Assert.StartsWith("local 10.0.0.211", Must("ip", "-n", ns2, "route", "get", "10.0.0.211"), StringComparison.Ordinal);
        // The owner's own local route gone too (what a careless cleanup does): the script must put it back.
        Must("ip", "-n", ns1, "route", "del", "local", "10.0.0.211", "dev", "eth0", "table", "local");

        var inventory = InventoryOf(new Node("node1", Node1, new HashSet<NodeRole>()), new Node("node2", Node2, new HashSet<NodeRole>()));
        var facts = new List<NodeFacts> { FactsOf("node1", Node1, Systemd(), [Node1]), FactsOf("node2", Node2, Systemd(), [Node1]) };
        var plan = Planner.Create(inventory, facts, Intent(), "node2", Created);

        var standIns = Directory.CreateDirectory(Path.Combine(work, "bin")).FullName;
        File.WriteAllText(Path.Combine(standIns, "systemctl"),
            "#!/bin/bash\n# Stand-in for systemctl (test only): one state file per unit in $UNITS; no daemon is managed.\n" +
            "unit=\"${@: -1}\"\ncase \"$1\" in\n  is-active) [ \"$(cat \"$UNITS/$unit\" 2>/dev/null)\" = active ] ;;\n" +
            "  start) echo active > \"$UNITS/$unit\" ;;\n  stop) echo inactive > \"$UNITS/$unit\" ;;\n  *) exit 2 ;;\nesac\n");
        File.SetUnixFileMode(Path.Combine(standIns, "systemctl"), (UnixFileMode)Convert.ToInt32("755", 8));

        foreach (var (node, ns) in new[] { ("node2", ns2), ("node1", ns1) })
        {
            var units = Directory.CreateDirectory(Path.Combine(work, node, "units")).FullName;
            File.WriteAllText(Path.Combine(units, "kube-proxy.service"), "active\n");
            var script = ScriptPlanRenderer.RenderNode(plan, inventory, node);
            var cut = new[] { "\n# ---- Phase FixObject", "\n# ---- Phase Restore" }.Select(m => script.IndexOf(m, StringComparison.Ordinal)).Where(i => i > 0).Min();
            var upToFix = script[..cut] + "\necho UP-TO-FIX-DONE\n";
            var file = Path.Combine(work, $"{node}.sh");
            File.WriteAllText(file, upToFix);
            var env = new Dictionary<string, string>
            {
                ["PATH"] = $"{standIns}:/usr/sbin:/usr/bin:/sbin:/bin",
                ["UNITS"] = units,
                ["KUBE_RECOVER_NO_PAUSE"] = "1",
                ["KUBE_RECOVER_STATE_DIR"] = Path.Combine(work, node, "state"),
            };
            var first = Run(env, "ip", "netns", "exec", ns, "bash", file);
            Assert.True(first.Code == 0, $"{node}: exit {first.Code}\n{first.Out}\n{first.Err}");
            Assert.Contains("UP-TO-FIX-DONE", first.Out, StringComparison.Ordinal);
            Assert.Equal("inactive\n", File.ReadAllText(Path.Combine(units, "kube-proxy.service")));
            Assert.Contains("10.0.0.211/32", File.ReadAllText(Path.Combine(work, node, "state", $"{node}.addresses.before.txt")), StringComparison.Ordinal);

            var second = Run(env, "ip", "netns", "exec", ns, "bash", file);
            Assert.True(second.Code == 0, $"{node} (again): exit {second.Code}\n{second.Err}");
            Assert.Contains($"unbind/{node}/del-10.0.0.211\n   Remove 10.0.0.211/32 from kube-ipvs0\n   already done", second.Out, StringComparison.Ordinal);
        }

        foreach (var ns in new[] { ns1, ns2 })
        {
            var ipvs = Must("ip", "-n", ns, "-o", "addr", "show", "dev", "kube-ipvs0");
            Assert.DoesNotContain("10.0.0.211", ipvs, StringComparison.Ordinal);
            Assert.Contains("10.96.0.1/32", ipvs, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("local", Must("ip", "-n", ns2, "route", "get", "10.0.0.211"), StringComparison.Ordinal);
        Assert.Contains("local 10.0.0.211 dev eth0", Must("ip", "-n", ns1, "route", "show", "table", "local"), StringComparison.Ordinal);
    }

    [SkippableFact]
    public void A_script_refuses_to_run_on_another_node()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && Environment.UserName == "root", "needs root on Linux for network namespaces");
        var ns = $"{prefix}-n3";
        Skip.IfNot(Run("ip", "netns", "add", ns).Code == 0, "ip netns add is not permitted here");
        namespaces.Add(ns);
        Must("ip", "-n", ns, "link", "set", "lo", "up");
        Must("ip", "-n", ns, "link", "add", "kube-ipvs0", "type", "bridge");
        Must("ip", "-n", ns, "addr", "add", "10.0.0.211/32", "dev", "kube-ipvs0");
        Directory.CreateDirectory(work);
        var file = Path.Combine(work, "node1.sh");
        File.WriteAllText(file, ScriptPlanRenderer.RenderNode(SeedPlan(), Seed(), "node1"));
        var result = Run(new Dictionary<string, string> { ["KUBE_RECOVER_NO_PAUSE"] = "1" }, "ip", "netns", "exec", ns, "bash", file);
        Assert.Equal(1, result.Code);
        Assert.Contains("this script is for node1 (10.0.0.211), which is not this machine", result.Err, StringComparison.Ordinal);
        Assert.Contains("10.0.0.211/32", Must("ip", "-n", ns, "-o", "addr", "show", "dev", "kube-ipvs0"), StringComparison.Ordinal);
    }

    private static string Must(params string[] argv)
    {
        var r = Run(argv);
        Assert.True(r.Code == 0, $"{string.Join(' ', argv)}: exit {r.Code}: {r.Err}");
        return r.Out;
    }

    private static (int Code, string Out, string Err) Run(params string[] argv) => Run(new Dictionary<string, string>(), argv);

    private static (int Code, string Out, string Err) Run(Dictionary<string, string> env, params string[] argv)
    {
        var start = new ProcessStartInfo(argv[0], argv[1..]) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var (k, v) in env) start.Environment[k] = v;
        using var p = Process.Start(start)!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            p.Kill(entireProcessTree: true);
            return (-1, stdout.Result, "timed out after 2 minutes: " + stderr.Result);
        }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
