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
        // The lockout is back, so an API server may not answer for a while (etcd re-elects across the partial partition,
        // CI saw a timeout): ask node2's and node3's until one says the Service exists.
        await Poll.UntilAsync(async () => await AnyApiAsync("get", "service", "-n", "default", "nginx-service") is { Succeeded: true },
            "the loop's re-created Service, as node2's or node3's API lists it");

        // Paused as the plan says (the manifest gone from "Git"), then the claim removed: the cluster heals by itself.
        foreach (var manifest in Directory.GetFiles(Path.Combine(lab.Env.RunDir, "controller"), "*.yaml")) File.Delete(manifest);
        await Poll.UntilAsync(async () => await AnyApiAsync("delete", "service", "-n", "default", "nginx-service") is { } r
            && (r.Succeeded || r.StdErr.Contains("NotFound", StringComparison.Ordinal)), "the Service deleted through node2's or node3's API");
        // Each kube-proxy unbinds at its next sync once it sees the delete: wait for that, then judge the whole cluster.
        await Poll.UntilStatusAsync(lab, s => lab.Env.Nodes.All(n => !s.KubeIpvs0(n).Contains(node1.ToString())), "node1's address off every kube-ipvs0");
        await RecoveredCluster.AssertHealthyAsync(lab, node1);
        await RecoveredCluster.AssertStaysOffAsync(lab, node1);
    }

    /// <summary>kubectl ARGS through node2's API, else node3's: the first answer (one that reached an API server), or null.</summary>
    private async Task<LabCommandResult?> AnyApiAsync(params string[] args)
    {
        foreach (var node in new[] { "node2", "node3" })
        {
            var result = await RecoveredCluster.KubectlAsync(lab, node, args);
            if (result.Succeeded || result.StdErr.Contains("NotFound", StringComparison.Ordinal)) return result;
        }
        return null;
    }
}
