using System.Text.RegularExpressions;

namespace Recovery.LabTests.Recovery;

/// <summary>
/// What a read-only command must not change: every node's addresses, local routes, kube-proxy and kubelet state,
/// and the create and mod revisions of every key under /registry/services/ (any write to a Service or its Endpoints
/// moves them). Not etcd's cluster-wide revision: every API server's allocator repair loop (3 min, as upstream's)
/// writes the range keys on its own, which made a diagnose-then-compare flaky.
/// </summary>
public sealed partial record ClusterSnapshot(IReadOnlyDictionary<string, string> Nodes, string ServiceKeys)
{
    public const string EtcdCtl =
        "ETCDCTL_API=3 etcdctl --endpoints=https://127.0.0.1:2379 --cacert=/etc/kubernetes/pki/etcd/ca.crt " +
        "--cert=/etc/kubernetes/pki/apiserver-etcd-client.crt --key=/etc/kubernetes/pki/apiserver-etcd-client.key";

    /// <summary>
    /// Asks node3's etcd member, then node2's, and so on, 3 s apart: right after a break a member may be without a
    /// leader for a while (node1's address is the hijacked one, so node1's member is cut off).
    /// </summary>
    public static async Task<ClusterSnapshot> TakeAsync(LabFixture lab)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TakeAsync(lab, attempt % 2 == 1 ? "node3" : "node2");
            }
            catch (InvalidOperationException) when (attempt < 8)
            {
                await Task.Delay(TimeSpan.FromSeconds(3));
            }
        }
    }

    private static async Task<ClusterSnapshot> TakeAsync(LabFixture lab, string etcdNode)
    {
        var nodes = new Dictionary<string, string>();
        foreach (var node in lab.Env.Nodes)
        {
            var state = await lab.BashAsync(node,
                "ip -o addr show | awk '{print $2, $4}' | sort; ip route show table local | sort; " +
                "systemctl is-active kube-proxy kubelet 2>/dev/null || true; ls /etc/kubernetes/manifests");
            nodes[node] = state.EnsureSuccess($"state of {node}").StdOut;
        }
        var keys = await lab.BashAsync(etcdNode, $"{EtcdCtl} get /registry/services/ --prefix --keys-only -w json");
        var text = keys.EnsureSuccess("etcd Service keys").StdOut;
        return new ClusterSnapshot(nodes, string.Join('\n', KeyRevisions().Matches(text).Select(m => m.Value)));
    }

    public void AssertUnchangedSince(ClusterSnapshot before, string what)
    {
        foreach (var (node, state) in before.Nodes)
        {
            Assert.True(state == Nodes[node], $"{what} changed {node}:\n--- before ---\n{state}\n--- after ---\n{Nodes[node]}");
        }
        Assert.True(before.ServiceKeys.Length > 0, "no Service keys were read from etcd");
        Assert.True(before.ServiceKeys == ServiceKeys, $"{what} wrote to etcd:\n--- before ---\n{before.ServiceKeys}\n--- after ---\n{ServiceKeys}");
    }

    [GeneratedRegex("\"key\":\"[^\"]+\",\"create_revision\":\\d+,\"mod_revision\":\\d+")]
    private static partial Regex KeyRevisions();
}
