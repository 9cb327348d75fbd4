using System.Net;
using Recovery.Access;
using Recovery.Facts;
using Recovery.Inventory;
using Recovery.Tests.Fixtures;

namespace Recovery.Tests.Facts;

/// <summary>NodeProbe against a node double answering with captured real outputs (see <see cref="Scenario"/>).</summary>
public sealed class NodeProbeTests
{
    private static readonly IPAddress Node1 = IPAddress.Parse("10.77.0.11");

    [Fact]
    public async Task Seed_node2_facts_show_the_hijack_and_how_kube_proxy_runs()
    {
        var inventory = Scenario.Inventory();
        var shell = Scenario.Shell(inventory, "seed", "node2");

        var facts = await new NodeProbe(inventory).ProbeAsync(shell);

        Assert.Equal("node2", facts.Hostname);
        Assert.Equal(Fixture.Read("scenarios/machine-id-node2.txt").Trim(), facts.MachineId);
        Assert.Contains(Node1, facts.IpvsAddresses);
        Assert.DoesNotContain(Node1, facts.OwnAddresses);
        Assert.True(facts.Routes.Single(r => r.Destination.Equals(Node1)).IsLocal);
        Assert.False(facts.Routes.Single(r => r.Destination.Equals(IPAddress.Parse("10.77.0.13"))).IsLocal);
        Assert.Equal(4, facts.Routes.Count);
        Assert.Contains(facts.LocalRoutes, r => r.Device == "kube-ipvs0" && Node1.Equals(r.HostAddress));

        Assert.Equal(KubeProxyManager.Docker, facts.KubeProxy.Manager);
        Assert.Equal("5f684df675c7", facts.KubeProxy.ContainerId);
        Assert.True(facts.KubeProxy.Running);
        Assert.Equal("ipvs", facts.KubeProxy.Mode);
        Assert.Equal("/proxyMode", facts.KubeProxy.ModeSource);
        Assert.Equal(2, facts.KubeProxy.Pid);
        Assert.True(facts.KubeletRunning); // no systemd here: from the process table

        Assert.Equal(6, facts.Reach.Count); // 3 control-plane nodes x (6443, 2379)
        Assert.All(facts.Reach, r => Assert.True(r.Reachable)); // every node listens, node1's address answers from node2 itself
        Assert.Equal(new KubectlFacts(true, "/etc/kubernetes/admin.conf"), facts.Kubectl);
        Assert.Contains(facts.Notes, n => n.StartsWith("systemctl show: System has not been booted with systemd", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Old_iproute2_without_json_gives_the_same_addresses()
    {
        var inventory = Scenario.Inventory();
        var probe = new NodeProbe(inventory);

        var json = await probe.ProbeAsync(Scenario.Shell(inventory, "seed", "node3"));
        var text = await probe.ProbeAsync(Scenario.Shell(inventory, "seed", "node3", oldIproute: true));

        Assert.Equal(json.Addresses, text.Addresses);
    }

    [Theory]
    [InlineData(Scenario.ModeAnswer.ConfigIpvs, "ipvs")]
    [InlineData(Scenario.ModeAnswer.ConfigIptables, "iptables")]
    public async Task Without_proxyMode_the_mode_comes_from_the_config_file_inside_the_container(Scenario.ModeAnswer answer, string mode)
    {
        var inventory = Scenario.Inventory();
        var shell = Scenario.Shell(inventory, "seed", "node2", answer);

        var facts = await new NodeProbe(inventory).ProbeAsync(shell);

        Assert.Equal(mode, facts.KubeProxy.Mode);
        Assert.Equal("/var/lib/kube-proxy/config.conf", facts.KubeProxy.ModeSource);
        Assert.Contains("cat /proc/2/root/var/lib/kube-proxy/config.conf", shell.Ran);
    }

    [Fact]
    public async Task The_probe_only_reads()
    {
        var inventory = Scenario.Inventory();
        var shell = Scenario.Shell(inventory, "seed", "node1", Scenario.ModeAnswer.ConfigIpvs);

        await new NodeProbe(inventory).ProbeAsync(shell);

        string[] readOnly = ["cat", "ip -j addr show", "ip -o addr show", "ip route get", "sh -c if ip -batch /dev/null 2>/dev/null; then printf 'route get %s\\n' \"$@\" | ip -force -batch -; else for a; do ip route get \"$a\"; done; fi sh ", "ip route show table local", "ps -e", "systemctl show",
            "ls -1d", "command -v", "docker ps", "crictl ps", "curl -s", $"bash -c timeout {ProbeBudget.Default.ConnectSeconds} bash -c 'echo $EPOCHREALTIME; </dev/tcp/",
            $"bash -c timeout {ProbeBudget.Default.RetryConnectSeconds} bash -c 'echo $EPOCHREALTIME; </dev/tcp/",
            "timeout 3 bash -c exec 3<>/dev/tcp/127.0.0.1/10249 && printf \"GET /proxyMode"];
        Assert.All(shell.RanArgv, argv => Assert.Contains(readOnly, prefix => string.Join(' ', argv).StartsWith(prefix, StringComparison.Ordinal)));
        // One round of 12 commands (the stop marker's `cat` too) plus one TCP check per control-plane port, plus the config read: small and fixed.
        // node1 is the owner: its checks of node2's and node3's 6443 get no answer and are tried once more.
        Assert.Equal(12 + 6 + 2 + 1, shell.Ran.Count);
    }

    [Fact]
    public async Task For_a_recovery_each_node_checks_only_its_own_ports()
    {
        var inventory = Scenario.Inventory();
        var shell = Scenario.Shell(inventory, "seed", "node1", Scenario.ModeAnswer.ConfigIpvs);

        var facts = await new NodeProbe(inventory, reachAcross: false).ProbeAsync(shell);

        // The owner's checks of node2 and node3 (which wait out their limit under the lockout) are not made.
        Assert.Equal([("node1", 2379), ("node1", 6443)], facts.Reach.Select(r => (r.TargetNode, r.Port)).Order());
        Assert.DoesNotContain(shell.RanArgv, argv => string.Join(' ', argv).Contains("/dev/tcp/10.77.0.12/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Commands_run_in_parallel_but_within_an_ssh_connections_session_limit()
    {
        var inventory = Scenario.Inventory();
        var node = inventory.FindByName("node2")!;
        var shell = new FixtureShell(node, Scenario.Answers(inventory, "seed", node)) { Latency = TimeSpan.FromMilliseconds(50) };

        await new NodeProbe(inventory).ProbeAsync(shell);

        Assert.InRange(shell.MaxInFlight, 2, ProbeBudget.Default.MaxConcurrentCommands);
    }

    [Fact]
    public async Task Missing_tools_and_failing_commands_become_notes()
    {
        var inventory = Scenario.Inventory();
        var node = inventory.FindByName("node3")!;
        var answers = Scenario.Answers(inventory, "seed", node);
        answers[ProbeCommands.Processes.Render()] = new CommandResult(127, "", "sh: 1: ps: not found\n", TimeSpan.Zero);
        answers[ProbeCommands.Tools.Render()] = new CommandResult(1, "", "", TimeSpan.Zero);
        answers[ProbeCommands.ProxyMode.Render()] = Fixture.ExitWithStdOut("host/curl-proxymode-closed.txt");
        answers[ProbeCommands.TcpConnect(Node1, NodeProbe.ApiPort, ProbeBudget.Default.ConnectSeconds).Render()] = Fixture.ExitWithStdErr("scenarios/reach-refused.txt");
        answers[ProbeCommands.TcpConnect(Node1, NodeProbe.EtcdPort, ProbeBudget.Default.ConnectSeconds).Render()] = Fixture.ExitWithStdErr("scenarios/reach-no-host.txt");
        answers[ProbeCommands.TcpConnect(Node1, NodeProbe.EtcdPort, ProbeBudget.Default.RetryConnectSeconds).Render()] = Fixture.ExitWithStdErr("scenarios/reach-no-host.txt");

        var facts = await new NodeProbe(inventory).ProbeAsync(new FixtureShell(node, answers));

        Assert.Contains("ps: not installed", facts.Notes);
        Assert.Contains("kubectl: not installed", facts.Notes);
        Assert.Null(facts.KubeProxy.Manager); // docker not installed, no process table: no manager found
        // `command -v docker` answered "not installed"; ps itself could not run: a kube-proxy process is unknown, not absent.
        Assert.Equal(KubeProxyDetectionState.Unknown, facts.KubeProxy.Detection);
        Assert.Equal("unknown", facts.KubeProxy.Mode);
        Assert.Equal(new KubectlFacts(false, "/etc/kubernetes/admin.conf"), facts.Kubectl);
        var api = facts.Reach.Single(r => r.TargetAddress.Equals(Node1) && r.Port == NodeProbe.ApiPort);
        Assert.Equal((false, "Connection refused"), (api.Reachable, api.Detail));
        var etcd = facts.Reach.Single(r => r.TargetAddress.Equals(Node1) && r.Port == NodeProbe.EtcdPort);
        Assert.Equal((false, true, "no answer within 3s, nor within 6s on a second try"), (etcd.Reachable, etcd.Unknown, etcd.Detail));
    }

    [Fact]
    public async Task A_config_path_unfit_for_a_command_line_is_a_note()
    {
        var inventory = Scenario.Inventory();
        var node = inventory.FindByName("node2")!;
        var answers = Scenario.Answers(inventory, "seed", node, Scenario.ModeAnswer.ConfigIpvs);
        answers[ProbeCommands.Processes.Render()] = Fixture.Ok("  2 /usr/local/bin/kube-proxy --config=../kube-proxy/config.conf\n");

        var facts = await new NodeProbe(inventory).ProbeAsync(new FixtureShell(node, answers));

        Assert.Equal("unknown", facts.KubeProxy.Mode);
        Assert.Contains(facts.Notes, n => n.StartsWith("kube-proxy config: not read, '../kube-proxy/config.conf' is not an absolute path without '..'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_inventory_override_wins_over_what_the_node_shows()
    {
        var spec = new KubeProxySpec(KubeProxyManager.Custom, ["/opt/bin/kp-ctl", "stop"], ["/opt/bin/kp-ctl", "start"]);
        var inventory = Scenario.Inventory(new Dictionary<string, KubeProxySpec> { ["node2"] = spec });

        var facts = await new NodeProbe(inventory).ProbeAsync(Scenario.Shell(inventory, "seed", "node2"));

        Assert.Equal(KubeProxyManager.Custom, facts.KubeProxy.Manager);
        Assert.Equal(spec.Stop, facts.KubeProxy.CustomStop);
        Assert.Equal(spec.Start, facts.KubeProxy.CustomStart);
        Assert.True(facts.KubeProxy.Running);
        Assert.Equal("ipvs", facts.KubeProxy.Mode);
    }

    [Fact]
    public async Task A_lost_shell_escapes_so_the_fanout_reports_the_node()
    {
        var inventory = Scenario.Inventory();
        var node = inventory.FindByName("node3")!;
        var probe = new NodeProbe(inventory);

        var results = await Fanout.RunAsync([node], (n, ct) => probe.ProbeAsync(new FixtureShell(n, new Dictionary<string, CommandResult>()), ct));

        Assert.False(results[0].Succeeded);
        Assert.Contains("no answer for", results[0].Error!.Message);
    }
}
