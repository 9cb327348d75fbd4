using Recovery.LabTests.Lab;

namespace Recovery.LabTests.Recovery;

/// <summary>
/// A load-balancer controller whose pool holds a node address (issue 12 item 3): the break gives nginx-service node1's
/// address and leaves nginx-service-waiting pending, so the fix frees the address for the next Service, as MetalLB
/// does. Whenever that happens in the run, `recover` must not exit 0 while a Service claims the address, and must name
/// MetalLB; once the address is out of the pool (what the plan says to do), a second run ends healthy and it stays so.
/// </summary>
[Collection(LoadBalancerPoolLabCollection.Name)]
public sealed class RecoverWithLoadBalancerPoolTests(LoadBalancerPoolLab lab)
{
    [SkippableFact]
    public async Task Recover_never_reports_success_while_the_pool_gives_the_address_to_the_next_service()
    {
        lab.EnsureReady();
        await lab.BreakAsync("--lb-ingress");
        var node1 = lab.Env.Address("node1");

        var plan = await KubeRecover.RunAsync(lab, "node2", "plan", "-i", lab.Env.Inventory);
        Assert.Contains("MetalLB", plan.StdOut + plan.StdErr, StringComparison.Ordinal);
        Assert.Contains("IPAddressPool", plan.StdOut + plan.StdErr, StringComparison.Ordinal);

        var state = Path.Combine(lab.Env.RunDir, "state-lb-pool");
        var recover = await KubeRecover.RunAsync(lab, "node2", "recover", "-i", lab.Env.Inventory, "--yes", "--state-dir", state);
        var output = recover.StdOut + recover.StdErr;
        if (recover.ExitCode == 0)
        {
            var claimed = await ClaimsOnAsync(node1.ToString());
            // The fix deleted every Service holding the address before the controller could hand it on: nothing may claim it.
            Assert.True(claimed.Count == 0, $"exit 0 while {string.Join(", ", claimed)} claims {node1}\n{output}");
            await RecoveredCluster.AssertHealthyAsync(lab, node1);
        }
        else
        {
            Assert.Contains("MetalLB", output, StringComparison.Ordinal);
        }

        // Changed as the plan says (node1's address out of the pool, another in), then the tool run again: it fixes
        // whichever Service holds the address now, and the controller has no node address left to hand on. (The
        // controller on node1 cannot move a Service itself while the lockout is back: its API has no quorum.)
        await File.WriteAllTextAsync(Path.Combine(lab.Env.RunDir, "controller", "pool"), "10.77.0.250\n");
        var again = await KubeRecover.RunAsync(lab, "node2", "recover", "-i", lab.Env.Inventory, "--yes", "--state-dir", state + "-again");
        Assert.True(again.ExitCode == 0, $"second recover exit {again.ExitCode}\n{again.StdOut}\n{again.StdErr}");
        await RecoveredCluster.AssertHealthyAsync(lab, node1);
        Assert.Empty(await ClaimsOnAsync(node1.ToString()));
        await RecoveredCluster.AssertStaysOffAsync(lab, node1);
    }

    /// <summary>The Services whose ingress is ADDRESS, as node3's API lists them (asked until it answers).</summary>
    private async Task<List<string>> ClaimsOnAsync(string address)
    {
        var list = new LabCommandResult(1, "", "");
        await Poll.UntilAsync(async () => (list = await RecoveredCluster.KubectlAsync(lab, "node3", "get", "services", "-A", "-o",
            "jsonpath={range .items[*]}{.metadata.namespace}/{.metadata.name} {.status.loadBalancer.ingress[*].ip}{\"\\n\"}{end}")).Succeeded,
            "node3's API listing the Services");
        return [.. list.StdOut.Split('\n').Where(l => l.Split(' ').Skip(1).Contains(address)).Select(l => l.Split(' ')[0])];
    }
}
