using Recovery.LabTests.Lab;

namespace Recovery.LabTests.Recovery;

/// <summary>
/// A controller puts the claim back after the fix (issue 12 item 3): `recover --yes` from node2 must not report
/// success while the Service is re-created, and must name who re-creates it; once the controller is paused as the
/// plan says, removing the claim leaves the cluster healthy (nothing of the tool's keeps the address bound).
/// </summary>
[Collection(ReapplyLabCollection.Name)]
public sealed class RecoverWithControllerTests(ReapplyLab lab)
{
    [SkippableFact]
    public async Task Recover_does_not_report_success_while_a_controller_re_creates_the_service_and_names_it()
    {
        lab.EnsureReady();
        await lab.BreakAsync();
        var node1 = lab.Env.Address("node1");

        var state = Path.Combine(lab.Env.RunDir, "state-reapply");
        var recover = await KubeRecover.RunAsync(lab, "node2", "recover", "-i", lab.Env.Inventory, "--yes", "--state-dir", state);
        var output = recover.StdOut + recover.StdErr;
        Assert.True(recover.ExitCode != 0, $"recover exit 0 while the Service is re-created\n{output}");
        Assert.Contains("put back by Argo CD application seed", output, StringComparison.Ordinal);
        Assert.Contains("argocd app set seed --sync-policy none", output, StringComparison.Ordinal);

        // The tool restored what it stopped: kube-proxy runs on every node; the re-created claim is what binds the address.
        await Poll.UntilStatusAsync(lab, s => lab.Env.Nodes.All(n => s[n, "kube_proxy"] == "running"), "kube-proxy running again on every node");
        var back = await RecoveredCluster.KubectlAsync(lab, "node3", "get", "service", "-n", "default", "nginx-service");
        Assert.True(back.Succeeded, $"the loop did not re-create the Service\n{back.StdErr}");

        // Paused as the plan says (the manifest gone from "Git"), then the claim removed: the cluster heals by itself.
        foreach (var manifest in Directory.GetFiles(Path.Combine(lab.Env.RunDir, "controller"), "*.yaml")) File.Delete(manifest);
        var delete = await RecoveredCluster.KubectlAsync(lab, "node3", "delete", "service", "-n", "default", "nginx-service");
        Assert.True(delete.Succeeded || delete.StdErr.Contains("NotFound", StringComparison.Ordinal), delete.StdErr);
        // Each kube-proxy unbinds at its next sync once it sees the delete: wait for that, then judge the whole cluster.
        await Poll.UntilStatusAsync(lab, s => lab.Env.Nodes.All(n => !s.KubeIpvs0(n).Contains(node1.ToString())), "node1's address off every kube-ipvs0");
        await RecoveredCluster.AssertHealthyAsync(lab, node1);
        await RecoveredCluster.AssertStaysOffAsync(lab, node1);
    }
}
