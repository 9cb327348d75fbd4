using System.Diagnostics;
using System.Net;
using Recovery.Inventory;

namespace Recovery.Tests.Facts;

/// <summary>
/// Nodes made of network namespaces (kr-facts-PID-N) on one bridge, 10.78.0.11 upwards, the first three control
/// plane and etcd, each listening on 6443 and 2379 (a python listener). kube-ipvs0 is a down bridge holding node1's
/// address on every node: the seed incident. Everything is removed on dispose, also after a failed setup.
/// </summary>
internal sealed class NetnsCluster : IAsyncDisposable
{
    private readonly string _prefix = $"kr-facts-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";
    private readonly List<string> _namespaces = [];
    private readonly List<Process> _listeners = [];

    public NetnsCluster(int nodes)
    {
        try
        {
            Setup(nodes);
        }
        catch
        {
            Cleanup();
            throw;
        }
    }

    public ClusterInventory Inventory { get; private set; } = null!;

    public string NamespaceOf(Node node) => $"{_prefix}-{node.Name}";

    /// <summary>Root, iproute2 and python3 are needed; otherwise the tests using this are skipped.</summary>
    public static bool CanRun() =>
        Environment.UserName == "root" && Run("sh", "-c", "command -v ip && command -v python3").ExitCode == 0;

    private void Setup(int count)
    {
        var lan = $"{_prefix}-lan";
        Netns(lan);
        Ip("-n", lan, "link", "add", "br0", "type", "bridge");
        Ip("-n", lan, "link", "set", "br0", "up");
        var nodes = new List<Node>();
        for (var i = 1; i <= count; i++)
        {
            var name = $"node{i}";
            var ns = $"{_prefix}-{name}";
            var address = IPAddress.Parse($"10.78.{i / 200}.{10 + i % 200}");
            Netns(ns);
            Ip("-n", lan, "link", "add", $"veth{i}", "type", "veth", "peer", "name", "eth0", "netns", ns);
            Ip("-n", lan, "link", "set", $"veth{i}", "master", "br0", "up");
            Ip("-n", ns, "link", "set", "lo", "up");
            Ip("-n", ns, "addr", "add", $"{address}/16", "dev", "eth0");
            Ip("-n", ns, "link", "set", "eth0", "up");
            var roles = i <= 3 ? new HashSet<NodeRole> { NodeRole.ControlPlane, NodeRole.Etcd } : new HashSet<NodeRole>();
            nodes.Add(new Node(name, address, roles));
            if (i <= 3) _listeners.Add(StartListener(ns));
        }
        foreach (var node in nodes)
        {
            var ns = NamespaceOf(node);
            Ip("-n", ns, "link", "add", "kube-ipvs0", "type", "bridge");
            Ip("-n", ns, "addr", "add", "10.96.0.1/32", "dev", "kube-ipvs0");
            Ip("-n", ns, "addr", "add", $"{nodes[0].Address}/32", "dev", "kube-ipvs0");
        }
        Inventory = new ClusterInventory("netns", new SshSettings(), [], nodes);
        foreach (var node in nodes.Take(3)) WaitForListener(NamespaceOf(node));
    }

    /// <summary>python starts slowly on a loaded machine: wait until both ports accept, up to a generous limit.</summary>
    private static void WaitForListener(string ns)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (Run("ip", "netns", "exec", ns, "bash", "-c", "</dev/tcp/127.0.0.1/6443 && </dev/tcp/127.0.0.1/2379").ExitCode != 0)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the listener in {ns} did not start");
            Thread.Sleep(100);
        }
    }

    private static Process StartListener(string ns)
    {
        const string script = "import socket,threading\n"
            + "def serve(p):\n s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('0.0.0.0', p)); s.listen(256)\n"
            + " while True:\n  c,_=s.accept(); c.close()\n"
            + "for p in (6443, 2379): threading.Thread(target=serve, args=(p,), daemon=True).start()\n"
            + "threading.Event().wait()\n";
        var info = new ProcessStartInfo("ip") { UseShellExecute = false };
        foreach (var a in new[] { "netns", "exec", ns, "python3", "-c", script }) info.ArgumentList.Add(a);
        return Process.Start(info) ?? throw new InvalidOperationException("python3 listener did not start");
    }

    private void Netns(string name)
    {
        Ip("netns", "add", name);
        _namespaces.Add(name);
    }

    private static void Ip(params string[] args)
    {
        var r = Run("ip", args);
        if (r.ExitCode != 0) throw new InvalidOperationException($"ip {string.Join(' ', args)}: {r.StdErr}");
    }

    private static (int ExitCode, string StdErr) Run(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var err = p.StandardError.ReadToEnd();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, err);
    }

    private void Cleanup()
    {
        foreach (var listener in _listeners)
        {
            try
            {
                listener.Kill(entireProcessTree: true);
                listener.WaitForExit(5000);
            }
            catch (InvalidOperationException)
            {
                // already gone
            }
            listener.Dispose();
        }
        foreach (var ns in Enumerable.Reverse(_namespaces)) Run("ip", "netns", "del", ns);
    }

    public ValueTask DisposeAsync()
    {
        Cleanup();
        return ValueTask.CompletedTask;
    }
}
