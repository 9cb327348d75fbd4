using Recovery.LabTests.Lab;

namespace Recovery.LabTests.Audit;

/// <summary>
/// On the default (IPVS) lab after `lab.sh break`, audit from node2 reports the seed's Service as active. node2's
/// kubeconfig points at node1:6443, which node2 now routes to itself; so audit is given a kubeconfig for node2's own
/// API server (its certificate names node2's address; etcd keeps quorum on node2 and node3). Heals the lab after,
/// as the other tests of this collection do.
/// </summary>
[Collection(LabCollection.Name)]
public sealed class IpvsModeAuditTests(LabFixture lab)
{
    [SkippableFact]
    public async Task AuditSaysActiveOnTheBrokenLab()
    {
        lab.EnsureReady();
        try
        {
            await lab.BreakAsync();
            var node1 = lab.Env.Address("node1").ToString();
            var node2 = lab.Env.Address("node2").ToString();
            await Poll.UntilStatusAsync(lab, s => s.KubeIpvs0("node2").Contains(node1), "node1's address on node2's kube-ipvs0");
            (await lab.BashAsync("node2", $"sed 's|https://{node1}:6443|https://{node2}:6443|' /root/.kube/config > /root/.kube/own-api.conf"))
                .EnsureSuccess("kubeconfig for node2's own API server");

            var found = await AuditRun.UntilAsync(lab, "node2", r => r.ExitCode == 3, "exit 3 on the broken lab", "--kubeconfig", "/root/.kube/own-api.conf");
            Assert.Equal("ipvs", found.Document.GetProperty("proxyMode").GetProperty("mode").GetString());
            Assert.Contains($"Service default/nginx-service spec.externalIPs[0] {node1} active", AuditRun.Findings(found));
        }
        finally
        {
            await LockoutTests.HealAsync(lab);
        }
    }
}
