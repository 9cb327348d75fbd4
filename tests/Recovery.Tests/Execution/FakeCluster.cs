using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Recovery.Access;
using Recovery.Execution;
using Recovery.Inventory;
using Recovery.Kubernetes;
using Recovery.Planning;

namespace Recovery.Tests.Execution;

/// <summary>
/// Test double (an in-memory stand-in, not a real node): models what the runner's commands change on each node
/// (addresses on kube-ipvs0, the owner's local route, kube-proxy and kubelet running) and in the cluster (Services
/// claiming addresses), interprets exactly the commands the Planner produces, and records order violations the
/// way the real system would punish them: an address removed while that node's kube-proxy runs comes back, and a
/// kube-proxy started while a Service still claims the address binds it again. Real parts are used by the lab tests.
/// </summary>
internal sealed class FakeCluster
{
    private readonly Lock gate = new();
    private long clock;

    public sealed class NodeState
    {
        public required string Name { get; init; }
        public required IPAddress Address { get; init; }
        public HashSet<IPAddress> Ipvs { get; } = [];
        public bool ProxyRunning { get; set; } = true;
        public bool KubeletRunning { get; set; } = true;
        public bool OwnRouteMissing { get; set; }

        /// <summary>Whether curl is installed: without it `curl` exits 127 and only bash's /dev/tcp reads kube-proxy.</summary>
        public bool HasCurl { get; set; } = true;

        /// <summary>An operator's own stop and start commands for kube-proxy (custom manager), as the inventory gives them.</summary>
        public IReadOnlyList<string>? CustomStop { get; set; }
        public IReadOnlyList<string>? CustomStart { get; set; }

        /// <summary>The lines of /var/lib/kube-recover/stopped/kube-proxy (without the node's stopped-at), null when absent.</summary>
        public IReadOnlyList<string>? StopMarker { get; set; }
    }

    public sealed record Service(string Namespace, string Name, List<string> ExternalIPs, string? IngressIP = null)
    {
        /// <summary>metadata.labels: a controller's marks (<see cref="Recovery.Kubernetes.ClaimOwner"/>).</summary>
        public Dictionary<string, string> Labels { get; init; } = [];
    }

    public sealed record Executed(long Tick, string Node, string Command, int ExitCode);

    /// <summary>Per node: round trips, and commands sent (what one round trip each would have cost).</summary>
    public ConcurrentDictionary<string, (int Trips, int Commands)> Traffic { get; } = new(StringComparer.Ordinal);

    /// <summary>The seed's recovery planned at node2's console (sync period 0.1 s) and run here, every node through a <see cref="FakeShell"/>.</summary>
    public async Task<RunResult> RecoverSeedAsync(string stateDir, IEtcdServiceFixer? etcd = null)
    {
        var plan = Planner.Create(Planning.Cluster.Seed(), Planning.Cluster.SeedFacts(), Planning.Cluster.Intent() with { SyncPeriod = TimeSpan.FromMilliseconds(100) }, "node2", Planning.Cluster.Created);
        using var journal = Journal.Start(stateDir, plan);
        var runner = new Runner(new RunnerOptions(stateDir), Planning.Cluster.Seed(), (node, _) => Task.FromResult<INodeShell>(new FakeShell(this, node, node.Name == "node2")), etcd);
        return await runner.RunAsync(plan, journal);
    }

    public void Sent(string node, int trips, int commands) => Traffic.AddOrUpdate(node, (trips, commands), (_, t) => (t.Trips + trips, t.Commands + commands));

    public Dictionary<string, NodeState> Nodes { get; } = new(StringComparer.Ordinal);
    public List<Service> Services { get; } = [];
    public List<string> Violations { get; } = [];
    public List<Executed> Log { get; } = [];

    /// <summary>Addresses whose claim makes a running kube-proxy bind them (the hijack).</summary>
    public IReadOnlyList<IPAddress> Claimed => Services.SelectMany(s => s.ExternalIPs).Select(IPAddress.Parse).Distinct().ToList();

    /// <summary>Commands that fail (exit 1) while the predicate says so: fault injection.</summary>
    public Func<string, string, bool> FailWhen { get; set; } = (_, _) => false;

    /// <summary>How long each command takes on a node (commands on different nodes overlap; the model itself is serialised).</summary>
    public TimeSpan CommandDelay { get; set; }

    private int inFlight;

    /// <summary>The most commands that were running at the same time.</summary>
    public int MaxInFlight { get; private set; }

    public async Task<CommandResult> RunAsync(string node, ShellCommand command)
    {
        var now = Interlocked.Increment(ref inFlight);
        lock (gate) MaxInFlight = Math.Max(MaxInFlight, now);
        try
        {
            if (CommandDelay > TimeSpan.Zero) await Task.Delay(CommandDelay).ConfigureAwait(false);
            else await Task.Yield();
            return Run(node, command);
        }
        finally
        {
            Interlocked.Decrement(ref inFlight);
        }
    }

    /// <summary>Called after a command's effect, under the lock: used to take a crash snapshot.</summary>
    public Action<string, string>? AfterCommand { get; set; }

    /// <summary>The seed: node1's address claimed by default/nginx-service, on every node's kube-ipvs0.</summary>
    public static FakeCluster Seed(ClusterInventory inventory, IPAddress hijacked)
    {
        var cluster = new FakeCluster();
        foreach (var node in inventory.Nodes)
        {
            var state = new NodeState { Name = node.Name, Address = node.Address };
            state.Ipvs.Add(hijacked);
            cluster.Nodes[node.Name] = state;
        }
        cluster.Services.Add(new Service("default", "nginx-service", [hijacked.ToString()]));
        cluster.Services.Add(new Service("default", "other", ["192.0.2.10"]));
        return cluster;
    }

    public FakeCluster Clone()
    {
        lock (gate)
        {
            var copy = new FakeCluster { clock = clock };
            foreach (var (name, n) in Nodes)
            {
                var c = new NodeState { Name = n.Name, Address = n.Address, ProxyRunning = n.ProxyRunning, KubeletRunning = n.KubeletRunning, OwnRouteMissing = n.OwnRouteMissing, StopMarker = n.StopMarker,
                    HasCurl = n.HasCurl, CustomStop = n.CustomStop, CustomStart = n.CustomStart };
                c.Ipvs.UnionWith(n.Ipvs);
                copy.Nodes[name] = c;
            }
            copy.Services.AddRange(Services.Select(s => s with { ExternalIPs = [.. s.ExternalIPs] }));
            return copy;
        }
    }

    /// <summary>Whether traffic from one node to an address stays on that node (the hijack).</summary>
    public bool IsLocal(string from, IPAddress address)
    {
        lock (gate)
        {
            var n = Nodes[from];
            return n.Address.Equals(address) || n.Ipvs.Contains(address);
        }
    }

    public CommandResult Run(string node, ShellCommand command)
    {
        lock (gate)
        {
            var result = Evaluate(node, command);
            return result;
        }
    }

    private CommandResult Evaluate(string node, ShellCommand command)
    {
        switch (command)
        {
            case ShellCommand.Sequence { Operator: "&&" } s:
                var left = Evaluate(node, s.Left);
                return left.Succeeded ? Evaluate(node, s.Right) : left;
            case ShellCommand.Sequence { Operator: "||" } s:
                var first = Evaluate(node, s.Left);
                return first.Succeeded ? first : Evaluate(node, s.Right);
            case ShellCommand.Sequence s:
                Evaluate(node, s.Left);
                return Evaluate(node, s.Right);
            case ShellCommand.Simple simple:
                var text = simple.Render();
                var result = FailWhen(node, text) ? Exit(1, "", "injected failure") : Simple(Nodes[node], simple.Argv);
                Log.Add(new Executed(++clock, node, text, result.ExitCode));
                AfterCommand?.Invoke(node, text);
                return result;
            default:
                throw new ArgumentException("unknown command type");
        }
    }

    private string RouteGet(NodeState n, IPAddress to) =>
        IsLocal(n.Name, to) ? $"local {to} dev lo src {to} uid 0 \n    cache <local> \n" : $"{to} dev eth0 src {n.Address} uid 0 \n    cache \n";

    private CommandResult Simple(NodeState n, IReadOnlyList<string> a)
    {
        var line = string.Join(' ', a);
        if (n.CustomStop is { } stop && a.SequenceEqual(stop) || n.CustomStart is { } start0 && a.SequenceEqual(start0))
        {
            StartOrStopProxy(n, a.SequenceEqual(n.CustomStart ?? []));
            return Exit(0);
        }
        switch (a[0])
        {
            case "systemctl" when a[1] == "is-active":
                return Exit(Running(n, a[^1]) ? 0 : 3);
            case "systemctl" when a[1] is "stop" or "start":
                var start = a[1] == "start";
                if (a[2] == "kubelet") n.KubeletRunning = start;
                else if (a[2] is "kube-proxy" or "kube-proxy.service") StartOrStopProxy(n, start);
                else return Exit(5, "", $"Unit {a[2]} not loaded.");
                return Exit(0);
            case "sh" when a.Count > 5 && a[1] == "-c" && a[4] == Recovery.Facts.StopMarker.FilePath:
                n.StopMarker = a.Skip(5).ToList();
                return Exit(0);
            case "rm" when line == $"rm -f {Recovery.Facts.StopMarker.FilePath}":
                if (n.StopMarker is not null && !n.ProxyRunning) Violations.Add($"{n.Name}: stop marker removed while kube-proxy is stopped");
                n.StopMarker = null;
                return Exit(0);
            case "test" when line == $"test ! -e {Recovery.Facts.StopMarker.FilePath}":
                return Exit(n.StopMarker is null ? 0 : 1);
            case "bash" when a.Count == 3 && a[1] == "-c" && a[2].Contains(Recovery.Commands.KubeProxySynced.Gauge, StringComparison.Ordinal):
                // The fake's kube-proxy syncs the moment it starts.
                return Exit(n.ProxyRunning ? 0 : 1);
            case "curl" when !n.HasCurl:
                return Exit(127, "", "sh: 1: curl: not found");
            case "curl":
                return n.ProxyRunning ? Exit(0, "ipvs") : Exit(7, "", "Failed to connect");
            case "timeout" when a[2] == "bash" && a[4].StartsWith("exec 3<>/dev/tcp/127.0.0.1/10249 ", StringComparison.Ordinal):
                return n.ProxyRunning ? Exit(0, "HTTP/1.0 200 OK\r\n\r\nipvs") : Exit(1, "", "bash: connect: Connection refused");
            case "command":
                // `command -v` of a tool that is not there, as dash (Debian's sh) answers: 127; bash's sh answers 1.
                return Exit(127);
            case "ip" when line.StartsWith("ip -o addr show dev kube-ipvs0 to ", StringComparison.Ordinal):
                var shown = IPAddress.Parse(a[^1].Split('/')[0]);
                return Exit(0, n.Ipvs.Contains(shown) ? $"9: kube-ipvs0    inet {shown}/32 scope global kube-ipvs0\n" : "");
            case "ip" when line.StartsWith("ip addr del ", StringComparison.Ordinal):
                var removed = IPAddress.Parse(a[3].Split('/')[0]);
                if (!n.Ipvs.Remove(removed)) return Exit(2, "", "RTNETLINK answers: Cannot assign requested address");
                if (n.ProxyRunning && Claimed.Contains(removed))
                {
                    Violations.Add($"{n.Name}: {removed} removed while kube-proxy runs; it bound it again");
                    n.Ipvs.Add(removed);
                }
                return Exit(0);
            case "ip" when line.StartsWith("ip route show table local ", StringComparison.Ordinal):
                return Exit(0, n.OwnRouteMissing ? "" : $"local {a[5]} proto kernel scope host src {a[5]} \n");
            case "ip" when line.StartsWith("ip route add local ", StringComparison.Ordinal):
                if (!n.OwnRouteMissing) return Exit(2, "", "RTNETLINK answers: File exists");
                n.OwnRouteMissing = false;
                return Exit(0);
            case "ip" when line.StartsWith("ip route get ", StringComparison.Ordinal):
                return Exit(0, RouteGet(n, IPAddress.Parse(a[3])));
            case "sh" when a.Count > 4 && a[1] == "-c" && a[2].Contains("route get", StringComparison.Ordinal):
                // The survey's lookups, all in one `ip -batch`.
                return Exit(0, string.Concat(a.Skip(4).Select(to => RouteGet(n, IPAddress.Parse(to)))));
            case "ip" when line is "ip addr show" or "ip route show table local":
                return Exit(0, $"state of {n.Name}\n");
            case "timeout" when a[2] == "bash":
                var target = IPAddress.Parse(a[4].Split('/')[3]);
                return IsLocal(n.Name, target) && !n.Address.Equals(target) ? Exit(1, "", "Connection refused") : Exit(0);
            case "kubectl" or Recovery.Kubernetes.KubectlProgram.Rke2:
                return Kubectl(n, a.Skip(1).Where(w => !w.StartsWith("--request-timeout", StringComparison.Ordinal) && !w.StartsWith("--kubeconfig", StringComparison.Ordinal) && !w.StartsWith('/')).Prepend("kubectl").ToList());
            default:
                Violations.Add($"{n.Name}: unexpected command `{line}`");
                return Exit(127, "", "command not found");
        }
    }

    /// <summary>
    /// A controller re-creates a deleted Service as it was (Argo CD with self-heal): after the fix's own read-back, so the
    /// fix holds and kube-proxy starts, and the next read of the Services sees it back.
    /// </summary>
    public bool Recreate { get; set; }

    private (Service Service, int Reads)? recreated;

    /// <summary>The API answers from a node unless that node's traffic to the first control-plane node stays local.</summary>
    public Func<NodeState, bool> ApiAnswers { get; set; } = _ => true;

    private CommandResult Kubectl(NodeState n, List<string> a)
    {
        if (!ApiAnswers(n)) return Exit(1, "", "The connection to the server 10.0.0.211:6443 was refused - did you specify the right host or port?");
        if (a[1] == "get" && a[2] == "services")
        {
            if (recreated is { } r)
            {
                recreated = r.Reads == 0 ? (r.Service, 1) : null;
                if (r.Reads > 0) Services.Add(r.Service);
            }
            var items = Services.Select(s => new Dictionary<string, object>
            {
                ["kind"] = "Service",
                ["metadata"] = new Dictionary<string, object> { ["namespace"] = s.Namespace, ["name"] = s.Name, ["labels"] = s.Labels },
                ["spec"] = new Dictionary<string, object> { ["externalIPs"] = s.ExternalIPs },
                ["status"] = new Dictionary<string, object> { ["loadBalancer"] = s.IngressIP is null ? new Dictionary<string, object>()
                    : new Dictionary<string, object> { ["ingress"] = new[] { new Dictionary<string, string> { ["ip"] = s.IngressIP } } } },
            });
            return Exit(0, JsonSerializer.Serialize(new { kind = "List", items }));
        }
        var service = Services.FirstOrDefault(s => s.Namespace == a[4] && s.Name == a[5]);
        if (service is null) return Exit(1, "", $"Error from server (NotFound): services \"{a[5]}\" not found");
        if (a[1] == "get") return Exit(0, $"apiVersion: v1\nkind: Service\nmetadata:\n  name: {service.Name}\n  namespace: {service.Namespace}\n");
        if (a[1] == "delete")
        {
            Services.Remove(service);
            if (Recreate) recreated = (service with { ExternalIPs = [.. service.ExternalIPs] }, 0);
            return Exit(0, $"service \"{service.Name}\" deleted");
        }
        if (a[1] == "patch" && a[6] == "--type=json" && a[7] == "-p")
        {
            // RFC 6902 as the API server applies it: every operation or none; `test` compares the whole value.
            using var patch = JsonDocument.Parse(a[8]);
            var ips = service.ExternalIPs.ToList();
            foreach (var op in patch.RootElement.EnumerateArray())
            {
                if (op.GetProperty("path").GetString() != "/spec/externalIPs") return Exit(1, "", "unexpected patch path");
                var value = op.TryGetProperty("value", out var v) ? v.EnumerateArray().Select(x => x.GetString()!).ToList() : null;
                switch (op.GetProperty("op").GetString())
                {
                    case "test" when !value!.SequenceEqual(ips):
                        return Exit(1, "", "The request is invalid: the server rejected our request due to an error in our request (testing value /spec/externalIPs failed)");
                    case "test":
                        break;
                    case "replace":
                        ips = value!;
                        break;
                    case "remove":
                        ips = [];
                        break;
                }
            }
            service.ExternalIPs.Clear();
            service.ExternalIPs.AddRange(ips);
            return Exit(0, $"service/{service.Name} patched");
        }
        return Exit(1, "", $"unexpected kubectl {string.Join(' ', a)}");
    }

    private static bool Running(NodeState n, string unit) => unit == "kubelet" ? n.KubeletRunning : n.ProxyRunning;

    private void StartOrStopProxy(NodeState n, bool start)
    {
        if (!start && n.StopMarker is null) Violations.Add($"{n.Name}: kube-proxy stopped before its stop marker was written");
        n.ProxyRunning = start;
        if (!start) return;
        foreach (var claimed in Claimed)
        {
            if (n.Ipvs.Add(claimed) && Nodes.Values.Any(x => x.Address.Equals(claimed))) Violations.Add($"{n.Name}: kube-proxy started while a Service still claims {claimed}; it bound it again");
        }
    }

    private static CommandResult Exit(int code, string stdout = "", string stderr = "") => new(code, stdout, stderr, TimeSpan.FromMilliseconds(1));
}

/// <summary>
/// Test double of <see cref="INodeShell"/> over <see cref="FakeCluster"/>: runs commands in memory only, a batch as one
/// round trip (as SSH and the local shell send it), and counts both.
/// </summary>
internal sealed class FakeShell(FakeCluster cluster, Node node, bool local) : INodeShell
{
    public Node Node => node;
    public bool IsLocal => local;

    public string Way => local ? "this console" : $"IPv4 {node.Address}";

    public Task<CommandResult> RunAsync(ShellCommand command, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        cluster.Sent(node.Name, trips: 1, commands: 1);
        return cluster.RunAsync(node.Name, command);
    }

    public Task<IReadOnlyList<CommandResult>?> RunEachAsync(IReadOnlyList<ShellCommand> commands, TimeSpan timeout, int mustSucceed = 0, CancellationToken cancellationToken = default)
    {
        cluster.Sent(node.Name, trips: 1, commands: commands.Count);
        return CommandBatch.OneByOneAsync(commands, mustSucceed, command => cluster.RunAsync(node.Name, command));
    }

    public Task<byte[]> ReadFileAsync(string path, CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException("the runner reads no files from nodes");

    public Task<INodeTunnel> OpenTunnelAsync(string host, int port, CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException("the runner opens no tunnels");

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
