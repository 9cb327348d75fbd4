using Recovery.LabTests.Lab;
using Recovery.LabTests.Recovery;

namespace Recovery.LabTests.Audit;

/// <summary>
/// A lab whose kube-proxy runs in iptables mode (binds nothing): a Service with node1's address as externalIP is
/// harmless today, and audit reports it as latent, the lockout waiting for the switch to IPVS.
/// One bring-up for the whole collection: every check is in one test.
/// </summary>
[Collection(Name)]
public sealed class IptablesModeAuditTests(IptablesModeAuditTests.Fixture lab) : IClassFixture<IptablesModeAuditTests.Fixture>
{
    public const string Name = "lab-iptables";

    [SkippableFact]
    public async Task AuditSaysCleanThenLatentAndGuardPrintsThePolicy()
    {
        lab.EnsureReady();
        var node1 = lab.Env.Address("node1").ToString();
        var status = await Poll.UntilStatusAsync(lab, s => lab.Env.Nodes.All(n => s[n, "proxy_mode"] == "iptables"), "kube-proxy in iptables mode everywhere");

        var clean = await AuditRun.UntilAsync(lab, "node2", r => r.ExitCode == 0, "exit 0 on the clean lab");
        Assert.False(clean.Document.GetProperty("found").GetBoolean());
        Assert.Equal("iptables", clean.Document.GetProperty("proxyMode").GetProperty("mode").GetString());

        (await lab.BashAsync("node1", $$"""
            printf 'apiVersion: v1\nkind: Service\nmetadata:\n  name: nginx-service\n  namespace: default\nspec:\n  ports:\n  - port: 80\n    protocol: TCP\n  externalIPs: ["{{node1}}"]\n' |
              kubectl --request-timeout=10s apply -f -
            """)).EnsureSuccess("kubectl apply of the Service claiming node1's address");

        var found = await AuditRun.UntilAsync(lab, "node2", r => r.ExitCode == 3, "exit 3 once the Service claims node1's address");
        Assert.Equal([$"Service default/nginx-service spec.externalIPs[0] {node1} latent"], AuditRun.Findings(found));
        var text = await KubeRecover.RunAsync(lab, "node2", "audit");
        Assert.Equal(3, text.ExitCode);
        Assert.Contains($"latent   Service default/nginx-service  spec.externalIPs[0] = {node1}", text.StdOut);

        // iptables mode left every kube-ipvs0 empty: the claim is latent indeed.
        status = await lab.StatusAsync();
        Assert.All(lab.Env.Nodes, n => Assert.True(status.KubeIpvs0(n).Count == 0, status.Text));

        var guard = await KubeRecover.RunAsync(lab, "node2", "guard");
        Assert.True(guard.ExitCode == 0, guard.StdErr);
        Assert.Contains("kind: ValidatingAdmissionPolicy", guard.StdOut);
        Assert.Contains($"0*{node1.Replace(".", "[.]0*", StringComparison.Ordinal)}", guard.StdOut);
        Assert.Contains("Cluster version v1.20", guard.StdOut); // the lab's API server says v1.20.11: the policy does not fit
        Assert.Contains("does NOT fit", guard.StdOut);
    }

    public sealed class Fixture : LabFixture
    {
        protected override string Name => "iptables";

        protected override IReadOnlyList<string> UpArguments => ["--proxy-mode", "iptables"];
    }
}
