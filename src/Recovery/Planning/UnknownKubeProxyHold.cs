using Recovery.Commands;
using Recovery.Facts;
using Recovery.Inventory;

namespace Recovery.Planning;

/// <summary>
/// A node where how kube-proxy runs is unknown because the probe's reads did not answer, twice (a busy node), not
/// because nothing runs it there. The plan cannot stop that kube-proxy, and a Service fix with it still running would
/// leave the node's lockout in place. So these verify-only steps open VerifyReach on that node: they hold the run there,
/// before the Service fix and before any kube-proxy starts (exit 4, resumable), until kube-proxy is silent on the node
/// and the addresses are off its kube-ipvs0.
/// </summary>
internal static class UnknownKubeProxyHold
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(5);

    public static string Warning(Node node, string why, IEnumerable<System.Net.IPAddress> addresses) =>
        $"how kube-proxy runs on {node.Name} is unknown ({why}). The run stops before the Service fix, with nothing started " +
        $"again, until that is settled: once {node.Name} answers, run recover again (a new survey reads it, and starts again what " +
        $"this run stopped, after the fix); or set kubeProxy.manager for {node.Name} in the inventory and run recover again; " +
        $"or at {node.Name}'s console stop kube-proxy, run " +
        string.Join("; ", addresses.Select(a => new IpvsAddressDel(a))) + ", then continue with --resume STATE_DIR";

    /// <param name="addresses">The addresses of the intent this node may hold (the planner's own-address rule applied).</param>
    public static IEnumerable<Step> Steps(Node node, string why, IEnumerable<System.Net.IPAddress> addresses)
    {
        var silent = Probes.ProxySilent();
        yield return new Step($"reach/{node.Name}/kube-proxy-unknown", node.Name,
            $"kube-proxy on {node.Name} could not be identified ({why}): hold before the Service fix until it is stopped at {node.Name}'s console",
            new RunCommands([]), Check: silent, Verify: Verification.Within(silent, Budget));
        foreach (var a in addresses)
        {
            var absent = Probes.NotOnIpvsInterface(a);
            yield return new Step($"reach/{node.Name}/unbound-{a}", node.Name,
                $"{a} is off {NodeFacts.IpvsInterface} on {node.Name} (removed at its console: {new IpvsAddressDel(a)})",
                new RunCommands([]), Check: absent, Verify: Verification.Within(absent, Budget));
        }
    }
}
