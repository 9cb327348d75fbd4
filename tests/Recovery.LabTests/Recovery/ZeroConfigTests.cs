using Recovery.Inventory;
using Recovery.LabTests.Lab;

namespace Recovery.LabTests.Recovery;

/// <summary>
/// Issue 13: at a console with nothing written, kube-recover finds the cluster itself (the Node objects in the local
/// etcd, or the API from a worker) and logs in with what the admin's ~/.ssh holds. Checked on the cluster's state, on
/// the four-node lab (three control-plane nodes and a worker: roles to tell apart).
/// </summary>
[Collection(FourNodeLabCollection.Name)]
public sealed class ZeroConfigTests(FourNodeLab lab)
{
    [SkippableFact]
    public async Task Inventory_lists_the_labs_nodes_with_their_roles_and_reads_back_unchanged()
    {
        lab.EnsureReady();
        await RecoveredCluster.HealAsync(lab);
        var file = Path.Combine(lab.Env.RunDir, "discovered.yaml");

        var printed = await KubeRecover.RunAsync(lab, "node2", "inventory", "-o", file);

        Assert.True(printed.ExitCode == 0, $"inventory exit {printed.ExitCode}\n{printed.StdErr}");
        Assert.Contains("nodes: 4 from etcd /registry/minions/ at 127.0.0.1:2379 (serializable read; may be stale)", printed.StdErr, StringComparison.Ordinal);
        Assert.Contains("ssh: user root", printed.StdErr, StringComparison.Ordinal);
        Assert.Contains("keys /root/.ssh/id_ed25519 (the default keys that exist)", printed.StdErr, StringComparison.Ordinal);
        var inventory = new InventoryLoader(File.Exists, "/root").LoadFile(file);
        Assert.Equal(lab.Env.Nodes, inventory.Nodes.Select(n => n.Name));
        foreach (var node in inventory.Nodes)
        {
            Assert.Equal(lab.Env.Address(node.Name), node.Address);
            var expected = lab.Env.ControlPlane.Contains(node.Name) ? new[] { NodeRole.ControlPlane, NodeRole.Etcd } : [];
            Assert.Equal(expected, node.Roles.Order());
        }
        Assert.Equal("root", inventory.Ssh.User);
        Assert.Equal("/root/.ssh/known_hosts", inventory.Ssh.KnownHostsFile);

        var again = await KubeRecover.RunAsync(lab, "node2", "inventory", "-i", file);
        Assert.True(again.ExitCode == 0, again.StdErr);
        Assert.Equal(Body(File.ReadAllText(file)), Body(again.StdOut));
    }

    [SkippableFact]
    public async Task A_worker_without_etcd_finds_the_nodes_through_the_api()
    {
        lab.EnsureReady();
        await RecoveredCluster.HealAsync(lab);

        // The API answers once node1's apiserver does; poll rather than sample once.
        var deadline = DateTime.UtcNow.AddMinutes(1);
        LabCommandResult printed;
        while (!(printed = await KubeRecover.RunAsync(lab, "node4", "inventory")).Succeeded && DateTime.UtcNow < deadline) await Task.Delay(TimeSpan.FromSeconds(2));

        Assert.True(printed.Succeeded, $"inventory exit {printed.ExitCode}\n{printed.StdErr}");
        Assert.Contains("nodes: tried etcd: node4: kube-apiserver's etcd flags not found", printed.StdErr, StringComparison.Ordinal);
        Assert.Contains("nodes: 4 from the API (kubectl get nodes, /etc/kubernetes/admin.conf)", printed.StdErr, StringComparison.Ordinal);
        var inventory = new InventoryLoader(File.Exists, "/root").Parse(printed.StdOut, "node4's inventory");
        Assert.Equal(lab.Env.Nodes, inventory.Nodes.Select(n => n.Name));
        // Without etcd's member list only the labels speak: the lab labels its control plane node-role.kubernetes.io/master.
        Assert.All(inventory.Nodes, n => Assert.Equal(lab.Env.ControlPlane.Contains(n.Name), n.IsControlPlane));
    }

    [SkippableFact]
    public async Task A_worker_cut_off_from_the_api_says_what_it_tried_and_what_to_write_and_touches_nothing()
    {
        lab.EnsureReady();
        await RecoveredCluster.HealAsync(lab);
        await lab.BreakAsync();
        var node1 = lab.Env.Address("node1").ToString();
        // Every kubeconfig points at node1's address. The masters hold it on kube-ipvs0; node4 is cut off from the API
        // either way: by the same hijack, or, where its kube-proxy never got the claim, because node1's API server has
        // lost its etcd quorum to the others' hijack (which also keeps node1's and node4's kube-proxies from ever
        // binding it: both read through node1's API). Wait for that state, then remember who holds the address.
        var before = await Poll.UntilStatusAsync(lab, s => lab.Env.ControlPlane.Where(n => n != "node1").All(n => s.KubeIpvs0(n).Contains(node1))
            && s["node4", "kubectl"] != "ok" && lab.Env.Nodes.All(n => s[n, "kube_proxy"] == "running"),
            "node1's address on the other masters' kube-ipvs0, node4 cut off from the API, kube-proxy running everywhere");
        bool Unchanged(LabStatus s, string n) => s.KubeIpvs0(n).Contains(node1) == before.KubeIpvs0(n).Contains(node1) && s[n, "kube_proxy"] == "running";

        var refused = await KubeRecover.RunAsync(lab, "node4", "inventory");

        Assert.True(refused.ExitCode == 2, $"inventory exit {refused.ExitCode}\n{refused.StdOut}\n{refused.StdErr}");
        Assert.Empty(refused.StdOut);
        Assert.Contains("none could be discovered on this node:\n  - etcd: node4: kube-apiserver's etcd flags not found", refused.StdErr, StringComparison.Ordinal);
        Assert.Contains("\n  - API through /etc/kubernetes/admin.conf: ", refused.StdErr, StringComparison.Ordinal);
        Assert.Contains("\n  - API through /root/.kube/config: ", refused.StdErr, StringComparison.Ordinal);
        Assert.Contains("    nodes:\n      - { name: node4, address: 10.0.0.211, roles: [control-plane, etcd] }\n", refused.StdErr, StringComparison.Ordinal);
        // Nothing touched: still hijacked everywhere, no kube-proxy stopped (other addresses on kube-ipvs0, ClusterIPs,
        // come and go with kube-proxy's syncs and are not compared).
        var after = await lab.StatusAsync();
        Assert.All(lab.Env.Nodes, n => Assert.True(Unchanged(after, n), $"{n} changed\n{after.Text}"));
    }

    [SkippableFact]
    public async Task Recover_with_no_inventory_from_node2_recovers_the_seed_incident()
    {
        lab.EnsureReady();
        await RecoveredCluster.HealAsync(lab);
        await lab.BreakAsync();
        var node1 = lab.Env.Address("node1");

        var recover = await KubeRecover.RunAsync(lab, "node2", "recover", "--yes", "--state-dir", Path.Combine(lab.Env.RunDir, "state-zero-config"));

        Assert.Contains("(serializable read; may be stale)", recover.StdErr, StringComparison.Ordinal);
        await RecoveredCluster.AssertHealthyAsync(lab, node1);
        var service = await RecoveredCluster.KubectlAsync(lab, "node3", "get", "service", "-n", "default", "nginx-service");
        Assert.True(service.StdErr.Contains("NotFound", StringComparison.Ordinal), $"the Service is still there\n{service.StdOut}\n{recover.StdErr}");
        await RecoveredCluster.AssertStaysOffAsync(lab, node1);
    }

    [SkippableFact]
    public async Task At_the_owners_console_the_leaderless_member_still_gives_the_nodes_and_the_cluster_recovers()
    {
        lab.EnsureReady();
        await RecoveredCluster.HealAsync(lab);
        await lab.BreakAsync();
        var node1 = lab.Env.Address("node1");

        // node1's member, cut off from its peers by the hijack, loses its leader: wait for that state, then read through it.
        var deadline = DateTime.UtcNow.AddMinutes(1);
        LabCommandResult status;
        while (!(status = await lab.BashAsync("node1", EtcdStatus)).StdOut.Contains("no leader", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
            await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.True(status.StdOut.Contains("no leader", StringComparison.Ordinal), $"node1's etcd member still has a leader\n{status.StdOut}\n{status.StdErr}");
        var printed = await KubeRecover.RunAsync(lab, "node1", "inventory");
        Assert.True(printed.ExitCode == 0, $"inventory exit {printed.ExitCode}\n{printed.StdErr}");
        Assert.Contains("nodes: 4 from etcd /registry/minions/ at 127.0.0.1:2379 (serializable read; may be stale)", printed.StdErr, StringComparison.Ordinal);
        Assert.Equal(lab.Env.Nodes, new InventoryLoader(File.Exists, "/root").Parse(printed.StdOut, "node1's inventory").Nodes.Select(n => n.Name));

        var recover = await KubeRecover.RunAsync(lab, "node1", "recover", "--yes", "--state-dir", Path.Combine(lab.Env.RunDir, "state-zero-config-owner"));

        await RecoveredCluster.AssertHealthyAsync(lab, node1);
        await RecoveredCluster.AssertStaysOffAsync(lab, node1);
        Assert.Contains("(serializable read; may be stale)", recover.StdErr, StringComparison.Ordinal);
    }

    private const string EtcdStatus = ClusterSnapshot.EtcdCtl + " endpoint status -w table 2>&1";

    /// <summary>The YAML without its comment lines (where each part came from differs by design between the two runs).</summary>
    private static string Body(string yaml) => string.Join('\n', yaml.Split('\n').Where(l => !l.StartsWith('#')));
}
