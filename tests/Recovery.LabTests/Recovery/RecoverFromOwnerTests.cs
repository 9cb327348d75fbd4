using System.Text.Json;
using Recovery.LabTests.Lab;

namespace Recovery.LabTests.Recovery;

/// <summary>
/// Consoles the hijack cuts off (issue 11): node1's, whose address is hijacked on node2 and node3, so no IPv4
/// connection from it to them completes; and node2's when every node's address is claimed at once. The other nodes
/// are reached over IPv6 link-local on the segment, identified by their known_hosts keys, or where IPv6 is off from a
/// spare address of the segment the operator gives.
/// </summary>
[Collection(SystemdLabCollection.Name)]
public sealed class RecoverFromOwnerTests(SystemdLab lab)
{
    [SkippableFact]
    public async Task At_the_owners_console_the_others_are_reached_around_the_hijack_and_the_cluster_recovers_with_every_api_server_down()
    {
        lab.EnsureReady();
        await RecoveredCluster.HealAsync(lab);
        await lab.BreakAsync();

        // The drill: known_hosts holds another key for node3, so whatever answers as node3 on the segment is refused, named.
        var inventory = await WithForeignKeyForNode3Async();
        var drill = await KubeRecover.RunAsync(lab, "node1", "diagnose", "-i", inventory, "--json");
        Assert.True(drill.ExitCode == 3, $"diagnose exit {drill.ExitCode}\n{drill.StdErr}");
        using (var report = JsonDocument.Parse(drill.StdOut))
        {
            var h = report.RootElement.GetProperty("findings").GetProperty("hijacked")[0];
            Assert.Equal(lab.Env.Address("node1").ToString(), h.GetProperty("address").GetString());
            Assert.Equal(["node2"], h.GetProperty("hijackedOn").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal(["node3"], h.GetProperty("presumedOn").EnumerateArray().Select(e => e.GetString()));
            Assert.False(report.RootElement.GetProperty("seenWhole").GetBoolean());
            var node3 = report.RootElement.GetProperty("findings").GetProperty("unreachableNodes")[0];
            Assert.Equal("node3", node3.GetProperty("node").GetString());
            Assert.Contains("offered a host key no inventory node has", node3.GetProperty("reason").GetString(), StringComparison.Ordinal);
            var node2 = report.RootElement.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("name").GetString() == "node2");
            Assert.StartsWith("IPv6 link-local fe80::", node2.GetProperty("way").GetString(), StringComparison.Ordinal);
        }

        var diagnose = await KubeRecover.RunAsync(lab, "node1", "diagnose", "-i", lab.Env.Inventory);
        Assert.True(diagnose.ExitCode == 3, $"diagnose exit {diagnose.ExitCode}\n{diagnose.StdOut}\n{diagnose.StdErr}");
        Assert.StartsWith("LOCKOUT FOUND: 1 hijacked address", diagnose.StdOut, StringComparison.Ordinal);
        Assert.Contains($"{lab.Env.Address("node1")} (node1's address) is hijacked on node2, node3", diagnose.StdOut, StringComparison.Ordinal);

        // With every API server down too: node1's own etcd member has no leader while it is cut off, so the Service is
        // fixed in etcd through a node reached around the hijack (its member is on the quorum's side). The kubectl path
        // from this console is the spare-address test's.
        var cutOff = HoldingNode1(await lab.StatusAsync());
        var state = Path.Combine(lab.Env.RunDir, "state-owner");
        await ApiServers.WhileDownAsync(lab, async () =>
        {
            var recover = await KubeRecover.RunAsync(lab, "node1", "recover", "-i", lab.Env.Inventory, "--yes", "--via", "auto", "--state-dir", state);
            Assert.True(recover.ExitCode == 0, $"recover exit {recover.ExitCode}\n{recover.StdOut}\n{recover.StdErr}");
            Assert.Superset(cutOff, ReachedAround(state).ToHashSet());
            Assert.Contains(Details(state), d => d.Contains("through etcd: deleted default/nginx-service in etcd via node", StringComparison.Ordinal));
            Assert.Single(Directory.GetFiles(state, "backup-*.json"));
            Assert.All(await SeedService.StoredValuesAsync(lab), v => Assert.Null(v.Value));
        });
        await RecoveredCluster.AssertHealthyAsync(lab, lab.Env.Address("node1"));
    }

    [SkippableFact]
    public async Task Where_IPv6_is_off_a_spare_address_the_operator_gives_is_the_way_around_the_hijack()
    {
        lab.EnsureReady();
        await RecoveredCluster.HealAsync(lab);
        await lab.BreakAsync();
        // IPv6 off on node1 (as `lab.sh up --ipv6 off` has it everywhere); a machine on the segment answers for .251.
        (await lab.BashAsync("node1", "sysctl -qw net.ipv6.conf.eth0.disable_ipv6=1")).EnsureSuccess("disable IPv6 on node1");
        (await lab.BashAsync("node3", $"ip addr add {Taken}/32 dev eth0")).EnsureSuccess("an address in use on the segment");
        try
        {
            // No way around: recover changes nothing and sends the operator to a console that can do the whole recovery.
            var stuck = await KubeRecover.RunAsync(lab, "node1", "recover", "-i", lab.Env.Inventory, "--yes", "--state-dir", Path.Combine(lab.Env.RunDir, "state-owner-no-way"));
            Assert.True(stuck.ExitCode == 4, $"recover exit {stuck.ExitCode}\n{stuck.StdOut}\n{stuck.StdErr}");
            Assert.Contains("IPv6 is off on eth0", stuck.StdErr, StringComparison.Ordinal);
            Assert.Contains("Nothing was changed on any node.", stuck.StdErr, StringComparison.Ordinal);
            Assert.Contains("Run the recovery at node2's console", stuck.StdErr, StringComparison.Ordinal);
            Assert.Contains("--spare-address", stuck.StdErr, StringComparison.Ordinal);
            // Every change on the silent nodes, for their consoles: the unbind on each, the Service fix, the final check.
            foreach (var expected in new[] { "at node2's console:", "at node3's console:", $"ip addr del {lab.Env.Address("node1")}/32 dev kube-ipvs0", "kubectl delete service -n" })
            {
                Assert.True(stuck.StdErr.Contains(expected, StringComparison.Ordinal), $"no '{expected}' in the hand-off:\n{stuck.StdErr}");
            }

            // A spare address some machine answers for (node3, over ARP) is refused before it is added: still nothing changed.
            var taken = await KubeRecover.RunAsync(lab, "node1", "recover", "-i", lab.Env.Inventory, "--yes", "--spare-address", Taken,
                "--state-dir", Path.Combine(lab.Env.RunDir, "state-owner-spare-taken"));
            Assert.True(taken.ExitCode == 4, $"recover exit {taken.ExitCode}\n{taken.StdOut}\n{taken.StdErr}");
            Assert.Contains($"{Taken} is in use on the segment", taken.StdErr, StringComparison.Ordinal);
            Assert.Contains("Nothing was changed on any node.", taken.StdErr, StringComparison.Ordinal);
            Assert.False(await HoldsAsync("node1", Taken), $"node1 holds {Taken}");
            var status = await lab.StatusAsync();
            Assert.All(lab.Env.Nodes, n => Assert.Equal("running", status[n, "kube_proxy"]));
            Assert.Equal("local", status["node2", "route.node1"]);

            var cutOff = HoldingNode1(status);
            var state = Path.Combine(lab.Env.RunDir, "state-owner-spare");
            var recover = await KubeRecover.RunAsync(lab, "node1", "recover", "-i", lab.Env.Inventory, "--yes", "--spare-address", Spare, "--state-dir", state);
            Assert.True(recover.ExitCode == 0, $"recover exit {recover.ExitCode}\n{recover.StdOut}\n{recover.StdErr}");
            Assert.Superset(cutOff, Reached(state, $"from the spare address {Spare}").ToHashSet());
            Assert.Contains($"removed the spare address {Spare}/32 from eth0", recover.StdErr, StringComparison.Ordinal);
            Assert.False(await HoldsAsync("node1", Spare), $"node1 still holds the spare address {Spare}");
            // Strict ARP (as kube-proxy's ipvs.strictARP sets it, and the lab) was lowered for the run and is back.
            Assert.Contains("lowered arp_announce from 2 to 1", recover.StdErr, StringComparison.Ordinal);
            Assert.Equal("2", (await lab.BashAsync("node1", "sysctl -n net.ipv4.conf.all.arp_announce")).StdOut.Trim());
            // node1's own etcd member keeps asking for its peers from 10.77.0.11 (dropped as martian): the link addresses
            // of the nodes reached from the spare address were pinned for the run, and are dynamic again after it.
            Assert.All(cutOff, n => Assert.Contains($"pinned {lab.Env.Address(n)}'s link address", recover.StdErr, StringComparison.Ordinal));
            Assert.DoesNotContain("PERMANENT", (await lab.BashAsync("node1", "ip neigh show dev eth0")).StdOut, StringComparison.Ordinal);
            await RecoveredCluster.AssertHealthyAsync(lab, lab.Env.Address("node1"));
        }
        finally
        {
            await lab.BashAsync("node3", $"ip addr del {Taken}/32 dev eth0");
            await lab.BashAsync("node1", "sysctl -qw net.ipv6.conf.eth0.disable_ipv6=0");
        }
        await Poll.UntilAsync(async () => (await lab.BashAsync("node1", "ip -6 addr show dev eth0 scope link | grep -v tentative | grep -q fe80")).Succeeded,
            "node1's link-local address back (duplicate address detection done)");
    }

    /// <summary>The nodes holding node1's address (which of them bind it first after a break is a race, as on a real
    /// cluster): none of them answers node1 over IPv4, so each must have been reached around the hijack. Never empty.</summary>
    private HashSet<string> HoldingNode1(LabStatus status)
    {
        var held = lab.Env.Nodes.Where(n => n != "node1" && status.KubeIpvs0(n).Contains(lab.Env.Address("node1").ToString())).ToHashSet();
        Assert.True(held.Count > 0, $"no node holds node1's address after the break\n{status.Text}");
        return held;
    }

    private const string Spare = "10.77.0.250";
    private const string Taken = "10.77.0.251";

    private async Task<bool> HoldsAsync(string node, string address) =>
        (await lab.BashAsync(node, $"ip -o addr show dev eth0 | grep -qF ' {address}/'")).Succeeded;

    [SkippableFact]
    public async Task With_every_node_address_claimed_node2_recovers_the_cluster()
    {
        lab.EnsureReady();
        await RecoveredCluster.HealAsync(lab);
        await lab.BreakAsync("--all-nodes");

        var state = Path.Combine(lab.Env.RunDir, "state-all-nodes");
        var recover = await KubeRecover.RunAsync(lab, "node2", "recover", "-i", lab.Env.Inventory, "--yes", "--state-dir", state);
        Assert.True(recover.ExitCode == 0, $"recover exit {recover.ExitCode}\n{recover.StdOut}\n{recover.StdErr}");
        Assert.NotEmpty(ReachedAround(state));
        await RecoveredCluster.AssertHealthyAsync(lab, [.. lab.Env.Nodes.Select(lab.Env.Address)]);
        var gone = await RecoveredCluster.KubectlAsync(lab, "node3", "get", "service", "nginx-service");
        Assert.Contains("NotFound", gone.StdErr, StringComparison.Ordinal);
    }

    /// <summary>Every detail the run's journal recorded (the full text: the report shortens long ones).</summary>
    private static List<string> Details(string state) =>
        [.. File.ReadAllLines(Path.Combine(state, "journal.jsonl"))
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Where(r => r.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String)
            .Select(r => r.GetProperty("detail").GetString()!)];

    /// <summary>The nodes the run's journal says were reached over IPv6 link-local.</summary>
    private static List<string> ReachedAround(string state) => Reached(state, "IPv6 link-local ");

    /// <summary>The nodes the run's journal says were reached a way whose description contains WAY.</summary>
    private static List<string> Reached(string state, string way) =>
        [.. File.ReadAllLines(Path.Combine(state, "journal.jsonl"))
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Where(r => r.GetProperty("event").GetString() == "node-reached" && r.GetProperty("detail").GetString()!.Contains(way, StringComparison.Ordinal))
            .Select(r => r.GetProperty("node").GetString()!)
            .Distinct()
            .Order()];

    /// <summary>An inventory whose known_hosts holds a freshly made key for node3 instead of node3's own.</summary>
    private async Task<string> WithForeignKeyForNode3Async()
    {
        var dir = Path.Combine(lab.Env.RunDir, "foreign-key");
        Directory.CreateDirectory(dir);
        var key = Path.Combine(dir, "stranger");
        File.Delete(key);
        File.Delete(key + ".pub");
        var made = await lab.BashAsync("node1", $"ssh-keygen -q -t ed25519 -N '' -f {key}");
        made.EnsureSuccess("ssh-keygen");
        var stranger = string.Join(' ', File.ReadAllText(key + ".pub").Split(' ')[..2]);
        var node3 = lab.Env.Address("node3").ToString();
        var knownHosts = Path.Combine(dir, "known_hosts");
        File.WriteAllLines(knownHosts, File.ReadAllLines(lab.Env.KnownHosts).Select(l => l.StartsWith(node3 + " ", StringComparison.Ordinal) ? $"{node3} {stranger}" : l));
        var inventory = Path.Combine(dir, "inventory.yaml");
        File.WriteAllText(inventory, File.ReadAllText(lab.Env.Inventory).Replace(lab.Env.KnownHosts, knownHosts, StringComparison.Ordinal));
        return inventory;
    }
}
