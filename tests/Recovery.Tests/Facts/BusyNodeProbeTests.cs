using System.Net;
using Recovery.Access;
using Recovery.Facts;
using Recovery.Inventory;
using Recovery.Tests.Fixtures;

namespace Recovery.Tests.Facts;

/// <summary>
/// NodeProbe on a node too busy to answer in time (issue 16): a slow read is asked again with the longer limit, and
/// what never answers is unknown, never "not found" or "unreachable".
/// </summary>
public sealed class BusyNodeProbeTests
{
    private static readonly IPAddress Node1 = IPAddress.Parse("10.77.0.11");
    private static readonly ProbeBudget Budget = ProbeBudget.Default;

    private static BusyShell Busy(ClusterInventory inventory, string node, Func<string, int, CommandResult?> busy) =>
        new(Scenario.Shell(inventory, "seed", node), busy);

    [Fact]
    public async Task A_read_that_times_out_once_is_asked_again_with_the_longer_limit_and_its_fact_is_kept()
    {
        var inventory = Scenario.Inventory();
        var docker = ProbeCommands.DockerKubeProxy.Render();
        var shell = Busy(inventory, "node2", (text, before) => text == docker && before == 0 ? BusyShell.TimedOut() : null);

        var facts = await new NodeProbe(inventory).ProbeAsync(shell);

        Assert.Equal(KubeProxyManager.Docker, facts.KubeProxy.Manager);
        Assert.Equal(KubeProxyDetectionState.Found, facts.KubeProxy.Detection);
        Assert.Empty(facts.Unanswered);
        Assert.Equal([Budget.Command, Budget.Retry], shell.Ran.Where(r => r.Command == docker).Select(r => r.Limit));
    }

    [Fact]
    public async Task A_read_that_never_answers_makes_kube_proxy_unknown_not_absent()
    {
        var inventory = Scenario.Inventory();
        var docker = ProbeCommands.DockerKubeProxy.Render();
        var shell = Busy(inventory, "node2", (text, _) => text == docker ? BusyShell.TimedOut() : null);

        var facts = await new NodeProbe(inventory).ProbeAsync(shell);

        Assert.Null(facts.KubeProxy.Manager);
        Assert.Equal(KubeProxyDetectionState.Unknown, facts.KubeProxy.Detection);
        Assert.Contains("docker ps", facts.KubeProxy.Unknown, StringComparison.Ordinal);
        Assert.Contains(facts.Unanswered, u => u.StartsWith("docker ps: no answer within 10 s, nor within 30 s", StringComparison.Ordinal));
        Assert.Equal(2, shell.Ran.Count(r => r.Command == docker));
    }

    [Fact]
    public async Task The_inventorys_manager_settles_what_the_node_did_not_answer()
    {
        var inventory = Scenario.Inventory(new Dictionary<string, KubeProxySpec> { ["node2"] = new(KubeProxyManager.Systemd) });
        var units = ProbeCommands.SystemdUnits.Render();
        var shell = Busy(inventory, "node2", (text, _) => text == units ? BusyShell.TimedOut() : null);

        var facts = await new NodeProbe(inventory).ProbeAsync(shell);

        Assert.Equal(KubeProxyManager.Systemd, facts.KubeProxy.Manager);
        Assert.Null(facts.KubeProxy.Unknown);
        Assert.Contains(facts.Unanswered, u => u.StartsWith("systemctl show:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_link_that_stops_answering_once_is_asked_again()
    {
        var inventory = Scenario.Inventory();
        var processes = ProbeCommands.Processes.Render();
        var inner = Scenario.Shell(inventory, "seed", "node2");
        var shell = new ThrowingOnceShell(inner, processes);

        var facts = await new NodeProbe(inventory).ProbeAsync(shell);

        Assert.Equal(2, facts.KubeProxy.Pid);
        Assert.Empty(facts.Unanswered);
    }

    [Fact]
    public async Task Routes_cut_off_at_the_limit_keep_their_answers_and_only_the_rest_is_asked_again()
    {
        var inventory = Scenario.Inventory();
        var all = inventory.Nodes.Select(n => n.Address).Concat(inventory.Protect).ToList();
        var chain = ProbeCommands.RouteGet(all).Render();
        // The first two answers (each with its `cache` line), then half of the third when the limit struck.
        var printed = string.Join('\n', Fixture.Read("scenarios/seed/node2/route-get.txt").Split('\n').Take(4)) + "\n10.77.0.13 dev et";
        var rest = ProbeCommands.RouteGet(all.Skip(2)).Render();
        var shell = Busy(inventory, "node2", (text, _) =>
            text == chain ? BusyShell.TimedOut(printed)
            : text == rest ? Fixture.Ok("10.77.0.13 dev eth0 src 10.77.0.12 uid 0 \n    cache \n10.77.0.250 dev eth0 src 10.77.0.12 uid 0 \n    cache \n")
            : null);

        var facts = await new NodeProbe(inventory).ProbeAsync(shell);

        Assert.Equal(all, facts.Routes.Select(r => r.Destination));
        Assert.True(facts.Routes[0].IsLocal);
        Assert.Equal("eth0", facts.Routes[2].Device);
        Assert.Contains(shell.Ran, r => r.Command == rest && r.Limit == Budget.Retry);
        Assert.Empty(facts.Unanswered);
    }

    [Fact]
    public async Task Route_lookups_that_never_answer_are_named_not_left_out()
    {
        var inventory = Scenario.Inventory();
        var shell = Busy(inventory, "node2", (text, _) => text.Contains("ip route get", StringComparison.Ordinal) ? BusyShell.TimedOut() : null);

        var facts = await new NodeProbe(inventory).ProbeAsync(shell);

        Assert.Empty(facts.Routes);
        Assert.Contains(facts.Unanswered, u => u.StartsWith("ip route get 10.77.0.11, 10.77.0.12, 10.77.0.13, 10.77.0.250:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unread_addresses_are_said_so()
    {
        var inventory = Scenario.Inventory();
        var addresses = ProbeCommands.Addresses.Render();
        var shell = Busy(inventory, "node2", (text, _) => text == addresses ? BusyShell.TimedOut("[{\"ifindex\":1,") : null);

        var facts = await new NodeProbe(inventory).ProbeAsync(shell);

        Assert.True(facts.AddressesUnread);
        Assert.Empty(facts.Addresses);
    }

    [Fact]
    public async Task Addresses_of_a_node_without_ip_are_unread_not_empty()
    {
        var inventory = Scenario.Inventory();
        var addresses = ProbeCommands.Addresses.Render();
        var shell = Busy(inventory, "node2", (text, _) => text == addresses ? new CommandResult(127, "", "sh: 1: ip: not found", TimeSpan.Zero) : null);

        var facts = await new NodeProbe(inventory).ProbeAsync(shell);

        Assert.True(facts.AddressesUnread);
    }

    [Fact]
    public async Task Without_ps_kube_proxy_is_unknown_not_absent()
    {
        // No container either: only ps could have shown a kube-proxy process, and ps is not installed.
        var inventory = Scenario.Inventory();
        var (ps, docker) = (ProbeCommands.Processes.Render(), ProbeCommands.DockerKubeProxy.Render());
        var shell = Busy(inventory, "node2", (text, _) =>
            text == ps ? new CommandResult(127, "", "sh: 1: ps: not found", TimeSpan.Zero)
            : text == docker ? Fixture.Ok("CONTAINER ID   IMAGE     COMMAND   CREATED   STATUS    PORTS     NAMES\n")
            : null);

        var facts = await new NodeProbe(inventory).ProbeAsync(shell);

        Assert.Equal(KubeProxyDetectionState.Unknown, facts.KubeProxy.Detection);
        Assert.Contains("ps", facts.KubeProxy.Unknown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_docker_ps_that_cannot_reach_its_daemon_leaves_a_container_kube_proxy_unknown()
    {
        // ps shows the kubeadm DaemonSet's kube-proxy; docker is installed but its daemon does not answer (captured).
        var inventory = Scenario.Inventory();
        var docker = ProbeCommands.DockerKubeProxy.Render();
        var shell = Busy(inventory, "node2", (text, _) => text == docker ? Fixture.ExitWithStdErr("host/docker-ps-no-daemon.txt") : null);

        var facts = await new NodeProbe(inventory).ProbeAsync(shell);

        Assert.Equal(KubeProxyDetectionState.Unknown, facts.KubeProxy.Detection);
        Assert.Contains("Cannot connect to the Docker daemon", facts.KubeProxy.Unknown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tcp_check_without_an_answer_waits_longer_once_then_is_unknown()
    {
        var inventory = Scenario.Inventory();
        var (first, second, etcdFirst, etcdSecond) = TcpChecksOfNode1();
        var shell = Busy(inventory, "node2", (text, _) =>
            text == first || text == second || text == etcdFirst ? BusyShell.TimedOut()
            : text == etcdSecond ? Fixture.Ok("")
            : null);

        var facts = await new NodeProbe(inventory).ProbeAsync(shell);

        var api = facts.Reach.Single(r => r.TargetAddress.Equals(Node1) && r.Port == NodeProbe.ApiPort);
        Assert.Equal((false, true), (api.Reachable, api.Unknown));
        Assert.Equal("no answer within 3s, nor within 6s on a second try", api.Detail);
        var etcd = facts.Reach.Single(r => r.TargetAddress.Equals(Node1) && r.Port == NodeProbe.EtcdPort);
        Assert.Equal((true, false), (etcd.Reachable, etcd.Unknown));
    }

    [Fact]
    public async Task A_tcp_check_whose_connection_itself_waited_out_the_limit_is_not_tried_again()
    {
        var inventory = Scenario.Inventory();
        var (first, second, etcdFirst, etcdSecond) = TcpChecksOfNode1();
        var asked = new System.Collections.Concurrent.ConcurrentBag<string>();
        // The API check: bash started at once and the connection waited 2.9 s (the target's silence). The etcd check:
        // bash itself took 2.6 s to start (a loaded node), so its 0.4 s of waiting says nothing: tried again, and answers.
        var shell = Busy(inventory, "node2", (text, _) =>
        {
            asked.Add(text);
            return text == first ? BusyShell.TimedOut("1796611469,100000\n1796611472,000001\n")
                : text == etcdFirst ? BusyShell.TimedOut("1796611469.600000\n1796611470.000000\n")
                : text == etcdSecond ? Fixture.Ok("")
                : null;
        });

        var facts = await new NodeProbe(inventory).ProbeAsync(shell);

        var api = facts.Reach.Single(r => r.TargetAddress.Equals(Node1) && r.Port == NodeProbe.ApiPort);
        Assert.Equal((false, true, "no answer within 3s (the connection itself waited 2.9 s)"), (api.Reachable, api.Unknown, api.Detail));
        Assert.DoesNotContain(second, asked);
        var etcd = facts.Reach.Single(r => r.TargetAddress.Equals(Node1) && r.Port == NodeProbe.EtcdPort);
        Assert.Equal((true, false), (etcd.Reachable, etcd.Unknown));
    }

    [Fact]
    public async Task The_tcp_check_measures_the_connections_own_wait_in_a_real_bash()
    {
        // Port 1 on loopback refuses at once: what matters is the form, two stamps from a real bash around the wait.
        var shell = new LocalShell(Scenario.Inventory().Nodes[0]);
        var result = await shell.RunAsync(ProbeCommands.TcpConnect(IPAddress.Loopback, 1, 1), TimeSpan.FromSeconds(10));

        Assert.True(ProbeCommands.ConnectWaited(result) is { } waited && waited < TimeSpan.FromSeconds(1), result.StdOut);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Connection refused", result.StdErr, StringComparison.Ordinal);
    }

    /// <summary>The TCP checks of node1's API server and etcd as the probe renders them: first try, then the longer second.</summary>
    private static (string First, string Second, string EtcdFirst, string EtcdSecond) TcpChecksOfNode1() => (
        ProbeCommands.TcpConnect(Node1, NodeProbe.ApiPort, Budget.ConnectSeconds).Render(),
        ProbeCommands.TcpConnect(Node1, NodeProbe.ApiPort, Budget.RetryConnectSeconds).Render(),
        ProbeCommands.TcpConnect(Node1, NodeProbe.EtcdPort, Budget.ConnectSeconds).Render(),
        ProbeCommands.TcpConnect(Node1, NodeProbe.EtcdPort, Budget.RetryConnectSeconds).Render());

    /// <summary>A shell whose link drops one command's answer (SshShell's TimeoutException), then answers again.</summary>
    private sealed class ThrowingOnceShell(INodeShell inner, string command) : INodeShell
    {
        private int _thrown;

        public Node Node => inner.Node;

        public bool IsLocal => inner.IsLocal;

        public string Way => inner.Way;

        public Task<CommandResult> RunAsync(ShellCommand c, TimeSpan timeout, CancellationToken cancellationToken = default) =>
            c.Render() == command && Interlocked.Exchange(ref _thrown, 1) == 0
                ? Task.FromException<CommandResult>(new TimeoutException($"{Node.Name} did not answer within 25 s (command limit 10 s)"))
                : inner.RunAsync(c, timeout, cancellationToken);

        public Task<byte[]> ReadFileAsync(string path, CancellationToken cancellationToken = default) => inner.ReadFileAsync(path, cancellationToken);

        public Task<INodeTunnel> OpenTunnelAsync(string host, int port, CancellationToken cancellationToken = default) => inner.OpenTunnelAsync(host, port, cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
