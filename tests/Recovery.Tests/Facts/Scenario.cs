using System.Net;
using Recovery.Access;
using Recovery.Facts;
using Recovery.Inventory;
using Recovery.Tests.Fixtures;

namespace Recovery.Tests.Facts;

/// <summary>
/// The lab-like cluster of Fixtures/scenarios: node1..3 at 10.77.0.11..13, all control plane and etcd, 10.77.0.250
/// protected. Builds, per node, a <see cref="FixtureShell"/> answering the probe's commands from that scenario's
/// captured outputs; kube-proxy runs as a kubeadm DaemonSet container under Docker (the seed incident's setup).
/// </summary>
public static class Scenario
{
    public static readonly IPAddress Protected = IPAddress.Parse("10.77.0.250");

    internal static ClusterInventory Inventory(IReadOnlyDictionary<string, KubeProxySpec>? overrides = null) => new(
        "lab",
        new SshSettings(),
        [Protected],
        [.. new[] { 1, 2, 3 }.Select(i => new Node(
            $"node{i}",
            IPAddress.Parse($"10.77.0.1{i}"),
            new HashSet<NodeRole> { NodeRole.ControlPlane, NodeRole.Etcd },
            overrides?.GetValueOrDefault($"node{i}")))]);

    /// <summary>How a node answers /proxyMode and where its config is read.</summary>
    public enum ModeAnswer
    {
        /// <summary>kube-proxy answers on 10249 with "ipvs".</summary>
        ProxyModeIpvs,

        /// <summary>Nothing on 10249 (real curl/bash answers); the config file says ipvs (kubespray's config.conf).</summary>
        ConfigIpvs,

        /// <summary>Nothing on 10249; the config file says iptables (Kubernetes The Hard Way's).</summary>
        ConfigIptables,
    }

    internal static Dictionary<string, CommandResult> Answers(ClusterInventory inventory, string scenario, Node node, ModeAnswer mode = ModeAnswer.ProxyModeIpvs, bool oldIproute = false)
    {
        var dir = $"scenarios/{scenario}/{node.Name}";
        var answers = new Dictionary<string, CommandResult>
        {
            [ProbeCommands.Identity.Render()] = Fixture.Ok($"{node.Name}\n{Fixture.Read($"scenarios/machine-id-{node.Name}.txt")}"),
            [ProbeCommands.Addresses.Render()] = oldIproute
                // `ip -j` unknown to old iproute2: the `||` branch's ip -o output is what the command prints.
                ? new CommandResult(0, Fixture.Read($"{dir}/ip-o-addr.txt"), "Option \"-j\" is unknown, try \"ip -help\".\n", TimeSpan.Zero)
                : Fixture.Ok(Fixture.Read($"{dir}/ip-j-addr.json")),
            [ProbeCommands.RouteGet(inventory.Nodes.Select(n => n.Address).Concat(inventory.Protect)).Render()] = Fixture.Ok(Fixture.Read($"{dir}/route-get.txt")),
            [ProbeCommands.LocalRouteTable.Render()] = Fixture.Ok(Fixture.Read($"{dir}/table-local.txt")),
            [ProbeCommands.Processes.Render()] = Fixture.Ok(Fixture.Read("scenarios/ps-kubeadm-docker.txt")),
            [ProbeCommands.SystemdUnits.Render()] = new CommandResult(1,
                Fixture.Read("systemd/systemctl-show-no-systemd.stdout"), Fixture.Read("systemd/systemctl-show-no-systemd.stderr"), TimeSpan.Zero),
            // ls -1d prints the paths that exist, one per line, and exits 2 for the others.
            [ProbeCommands.KnownFiles.Render()] = new CommandResult(2, "/etc/kubernetes/admin.conf\n", "ls: cannot access '/var/lib/kube-proxy/config.conf': No such file or directory\n", TimeSpan.Zero),
            [ProbeCommands.Tools.Render()] = Fixture.ExitWithStdOut("host/command-v-tools.txt"),
            [ProbeCommands.DockerKubeProxy.Render()] = Fixture.Ok(Fixture.Read("docker/docker-ps-kubeadm.txt")),
            [ProbeCommands.CrictlKubeProxy.Render()] = Fixture.ExitWithStdErr("host/crictl-not-installed.txt"),
            [ProbeCommands.StopMarker.Render()] = Fixture.ExitWithStdErr("host/cat-stop-marker-missing.txt"),
        };
        switch (mode)
        {
            case ModeAnswer.ProxyModeIpvs:
                answers[ProbeCommands.ProxyMode.Render()] = Fixture.Ok("ipvs");
                // Read even when /proxyMode answers: it gives the sync period.
                answers[ProbeCommands.ReadConfig(2, "/var/lib/kube-proxy/config.conf").Render()] = Fixture.Ok(Fixture.Read("kube-proxy/kubespray-config.conf"));
                break;
            case ModeAnswer.ConfigIpvs or ModeAnswer.ConfigIptables:
                // curl exit 7 then bash /dev/tcp exit 1: the `||` chain ends with the fallback's exit code.
                answers[ProbeCommands.ProxyMode.Render()] = Fixture.ExitWithStdOut("host/devtcp-proxymode-closed.txt");
                answers[ProbeCommands.ReadConfig(2, "/var/lib/kube-proxy/config.conf").Render()] = Fixture.Ok(
                    Fixture.Read(mode == ModeAnswer.ConfigIpvs ? "kube-proxy/kubespray-config.conf" : "kube-proxy/kthw-kube-proxy-config.yaml"));
                break;
        }
        foreach (var target in inventory.ControlPlane)
        {
            foreach (var port in new[] { NodeProbe.ApiPort, NodeProbe.EtcdPort })
            {
                // A captured "no answer" (the owner's SYNs whose replies the others keep) is the same on the longer second try.
                var reach = Fixture.ExitWithStdErr($"{dir}/reach-{target.Address}-{port}.txt");
                answers[ProbeCommands.TcpConnect(target.Address, port, ProbeBudget.Default.ConnectSeconds).Render()] = reach;
                answers[ProbeCommands.TcpConnect(target.Address, port, ProbeBudget.Default.RetryConnectSeconds).Render()] = reach;
            }
        }
        return answers;
    }

    internal static FixtureShell Shell(ClusterInventory inventory, string scenario, string nodeName, ModeAnswer mode = ModeAnswer.ProxyModeIpvs, bool oldIproute = false)
    {
        var node = inventory.FindByName(nodeName) ?? throw new ArgumentException(nodeName);
        return new FixtureShell(node, Answers(inventory, scenario, node, mode, oldIproute));
    }

    /// <summary>Probes every node of a scenario through its fixture shell.</summary>
    internal static async Task<IReadOnlyList<NodeFacts>> ProbeAllAsync(ClusterInventory inventory, string scenario, Func<string, ModeAnswer>? mode = null)
    {
        var probe = new NodeProbe(inventory);
        var results = await Fanout.RunAsync(inventory.Nodes,
            (node, ct) => probe.ProbeAsync(Shell(inventory, scenario, node.Name, mode?.Invoke(node.Name) ?? ModeAnswer.ProxyModeIpvs), ct));
        return [.. results.Select(r => r.Value ?? throw new InvalidOperationException($"probe of {r.Node.Name} failed", r.Error))];
    }
}
