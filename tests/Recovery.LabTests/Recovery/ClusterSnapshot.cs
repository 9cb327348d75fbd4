namespace Recovery.LabTests.Recovery;

/// <summary>
/// What a read-only command must not change: every node's addresses, local routes, kube-proxy and kubelet state,
/// and etcd's revision (any write to etcd, by anyone, moves it). Compared before and after diagnose and plan.
/// </summary>
public sealed record ClusterSnapshot(IReadOnlyDictionary<string, string> Nodes, string EtcdRevision)
{
    public const string EtcdCtl =
        "ETCDCTL_API=3 etcdctl --endpoints=https://127.0.0.1:2379 --cacert=/etc/kubernetes/pki/etcd/ca.crt " +
        "--cert=/etc/kubernetes/pki/apiserver-etcd-client.crt --key=/etc/kubernetes/pki/apiserver-etcd-client.key";

    public static async Task<ClusterSnapshot> TakeAsync(LabFixture lab)
    {
        var nodes = new Dictionary<string, string>();
        foreach (var node in lab.Env.Nodes)
        {
            var state = await lab.BashAsync(node,
                "ip -o addr show | awk '{print $2, $4}' | sort; ip route show table local | sort; " +
                "systemctl is-active kube-proxy kubelet 2>/dev/null || true; ls /etc/kubernetes/manifests");
            nodes[node] = state.EnsureSuccess($"state of {node}").StdOut;
        }
        // node3 answers etcd in every lab state the tests create (node1's address is the hijacked one).
        var status = await lab.BashAsync("node3", $"{EtcdCtl} get /registry/services --prefix --keys-only -w json | grep -o '\"revision\":[0-9]*'");
        return new ClusterSnapshot(nodes, status.EnsureSuccess("etcd revision").StdOut.Trim());
    }

    public void AssertUnchangedSince(ClusterSnapshot before, string what)
    {
        foreach (var (node, state) in before.Nodes)
        {
            Assert.True(state == Nodes[node], $"{what} changed {node}:\n--- before ---\n{state}\n--- after ---\n{Nodes[node]}");
        }
        Assert.True(before.EtcdRevision == EtcdRevision, $"{what} wrote to etcd: revision {before.EtcdRevision} -> {EtcdRevision}");
    }
}
