using System.Diagnostics;

namespace Recovery.Tests.Planning;

/// <summary>
/// Two lab-style nodes as network namespaces joined by a veth pair: node1 owns 10.0.0.211, node2 10.0.0.213, and
/// both have 10.0.0.211 (and the ClusterIP 10.96.0.1) on kube-ipvs0, a down bridge (this kernel has no dummy driver).
/// From node2 the kernel answers `local` for 10.0.0.211: the hijack, for real. node1's own local route for its
/// address is removed too, as a careless cleanup would. Also holds a `systemctl` stand-in folder for PATH.
/// Deletes its namespaces and files on Dispose.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class TwoNodeNamespaces : IDisposable
{
    private readonly string prefix = $"krpl{Guid.NewGuid().ToString("N")[..6]}";
    private readonly List<string> created = [];

    public string Work { get; } = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"kr-ns-{Guid.NewGuid():N}")).FullName;
    public string Node1 => $"{prefix}-n1";
    public string Node2 => $"{prefix}-n2";
    public string StandIns => Path.Combine(Work, "bin");

    public static bool Possible => Environment.UserName == "root";

    /// <summary>False when namespaces cannot be made here (the caller skips).</summary>
    public bool Create()
    {
        if (Run("ip", "netns", "add", Node1).Code != 0) return false;
        created.Add(Node1);
        Must("ip", "netns", "add", Node2);
        created.Add(Node2);
        Must("ip", "link", "add", $"{prefix}a", "type", "veth", "peer", "name", $"{prefix}b");
        Must("ip", "link", "set", $"{prefix}a", "netns", Node1, "name", "eth0");
        Must("ip", "link", "set", $"{prefix}b", "netns", Node2, "name", "eth0");
        foreach (var (ns, own) in new[] { (Node1, "10.0.0.211"), (Node2, "10.0.0.213") })
        {
            Must("ip", "-n", ns, "link", "set", "lo", "up");
            Must("ip", "-n", ns, "addr", "add", $"{own}/24", "dev", "eth0");
            Must("ip", "-n", ns, "link", "set", "eth0", "up");
            Must("ip", "-n", ns, "link", "add", "kube-ipvs0", "type", "bridge");
            Must("ip", "-n", ns, "addr", "add", "10.96.0.1/32", "dev", "kube-ipvs0");
            Must("ip", "-n", ns, "addr", "add", "10.0.0.211/32", "dev", "kube-ipvs0");
        }
        Must("ip", "-n", Node1, "route", "del", "local", "10.0.0.211", "dev", "eth0", "table", "local");
        Directory.CreateDirectory(StandIns);
        var systemctl = Path.Combine(StandIns, "systemctl");
        File.WriteAllText(systemctl,
            "#!/bin/bash\n# Stand-in for systemctl (test only): one state file per unit in $UNITS; no daemon is managed.\n" +
            "unit=\"${@: -1}\"\ncase \"$1\" in\n  is-active) [ \"$(cat \"$UNITS/$unit\" 2>/dev/null)\" = active ] ;;\n" +
            "  start) echo active > \"$UNITS/$unit\" ;;\n  stop) echo inactive > \"$UNITS/$unit\" ;;\n  *) exit 2 ;;\nesac\n");
        File.SetUnixFileMode(systemctl, (UnixFileMode)Convert.ToInt32("755", 8));
        return true;
    }

    /// <summary>
    /// The node's own /var/lib/kube-recover (the stop marker lives there): a folder of <see cref="Work"/> bind-mounted
    /// over it for one command. `ip netns exec` runs in a mount namespace of its own, slave to the host's, so the
    /// mount never reaches the host and a marker never lands in the host's /var/lib, where other labs would see it.
    /// </summary>
    public string VarDir(string node) => Directory.CreateDirectory(Path.Combine(Work, node, "var-lib-kube-recover")).FullName;

    /// <summary>argv running <paramref name="argv"/> in the node's namespace with its own /var/lib/kube-recover.</summary>
    public string[] Exec(string node, string ns, params string[] argv)
    {
        Directory.CreateDirectory(KubeRecoverVar);
        return ["ip", "netns", "exec", ns, "bash", "-c", $"mount --bind \"$1\" {KubeRecoverVar} && shift && exec \"$@\"", "node-var", VarDir(node), .. argv];
    }

    private const string KubeRecoverVar = "/var/lib/kube-recover";

    /// <summary>A units folder for the systemctl stand-in with kube-proxy.service active.</summary>
    public string Units(string node)
    {
        var units = Directory.CreateDirectory(Path.Combine(Work, node, "units")).FullName;
        File.WriteAllText(Path.Combine(units, "kube-proxy.service"), "active\n");
        return units;
    }

    public void Dispose()
    {
        foreach (var ns in created) Run("ip", "netns", "del", ns);
        Directory.Delete(Work, recursive: true);
    }

    public static string Must(params string[] argv)
    {
        var r = Run(argv);
        Assert.True(r.Code == 0, $"{string.Join(' ', argv)}: exit {r.Code}: {r.Err}");
        return r.Out;
    }

    public static (int Code, string Out, string Err) Run(params string[] argv) => Run(new Dictionary<string, string>(), argv);

    public static (int Code, string Out, string Err) Run(IReadOnlyDictionary<string, string> env, params string[] argv)
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
            p.WaitForExit();
            return (-1, stdout.Result, "timed out after 2 minutes: " + stderr.Result);
        }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
