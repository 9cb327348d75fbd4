using System.Net;
using Recovery.Access;
using Recovery.Facts;
using Recovery.Inventory;
using Recovery.Kubernetes;
using Recovery.Planning;

namespace Recovery.Tests.Planning;

/// <summary>
/// Fact sets shaped like the seed incident (SCENARIO.md): three master,node machines 10.0.0.211/.213/.214 on eth0,
/// kube-proxy in IPVS mode with the ClusterIP 10.96.0.1 and the hijacked address on kube-ipvs0.
/// </summary>
internal static class Cluster
{
    public static readonly IPAddress Node1 = IPAddress.Parse("10.0.0.211");
    public static readonly IPAddress Node2 = IPAddress.Parse("10.0.0.213");
    public static readonly IPAddress Node3 = IPAddress.Parse("10.0.0.214");
    public static readonly IPAddress ClusterIP = IPAddress.Parse("10.96.0.1");
    public static readonly DateTimeOffset Created = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    public static readonly HashSet<NodeRole> Masters = [NodeRole.ControlPlane, NodeRole.Etcd];

    public static ClusterInventory InventoryOf(params Node[] nodes) => new("prod-a", new SshSettings(), [], nodes);

    public static ClusterInventory Seed(KubeProxySpec? spec3 = null) => InventoryOf(
        new Node("node1", Node1, Masters),
        new Node("node2", Node2, Masters),
        new Node("node3", Node3, Masters, spec3));

    public static KubeProxyFacts Systemd(bool running = true) => new(KubeProxyManager.Systemd, running, "ipvs", Unit: "kube-proxy.service");

    public static NodeFacts FactsOf(string name, IPAddress own, KubeProxyFacts proxy, IEnumerable<IPAddress> onIpvs, bool kubelet = true, bool kubectl = true) => new(
        name, name, $"{name}-machine-id",
        [new InterfaceAddress("lo", IPAddress.Loopback, 8), new InterfaceAddress("eth0", own, 24),
         .. onIpvs.Prepend(ClusterIP).Select(a => new InterfaceAddress(NodeFacts.IpvsInterface, a, 32))],
        [], proxy, kubelet, [], new KubectlFacts(kubectl, kubectl ? "/etc/kubernetes/admin.conf" : null));

    /// <summary>The seed: node1's address on every node's kube-ipvs0 (kube-proxy v1.20 binds it on the owner too).</summary>
    public static List<NodeFacts> SeedFacts(KubeProxyFacts? proxy = null, bool ownerHolds = true) =>
    [
        FactsOf("node1", Node1, proxy ?? Systemd(), ownerHolds ? [Node1] : []),
        FactsOf("node2", Node2, proxy ?? Systemd(), [Node1]),
        FactsOf("node3", Node3, proxy ?? Systemd(), [Node1]),
    ];

    public static RecoveryIntent Intent(FixAction action = FixAction.Delete, FixPath path = FixPath.Auto, IReadOnlyList<ServiceRef>? services = null, params IPAddress[] addresses) =>
        new(addresses.Length == 0 ? [Node1] : addresses, services, action, path, TimeSpan.FromSeconds(30));

    public static Plan SeedPlan() => Planner.Create(Seed(), SeedFacts(), Intent(), "node2", Created);

    public static Phase Phase(this Plan plan, PhaseKind kind) => plan.Phases.Single(p => p.Kind == kind);

    /// <summary>Position of a step in execution order (phases in order, steps as listed).</summary>
    public static int IndexOf(this Plan plan, string id)
    {
        var index = plan.Steps.Select(s => s.Id).ToList().IndexOf(id);
        Assert.True(index >= 0, $"step {id} is not in the plan");
        return index;
    }

    public static Step Step(this Plan plan, string id) => plan.Steps.Single(s => s.Id == id);

    /// <summary>A Contain step's commands after the first, which must be the write of the node's stop marker.</summary>
    public static IEnumerable<string> StopCommands(this Step step)
    {
        var all = step.Commands().ToList();
        Assert.StartsWith($"sh -c {ShellQuoting.Quote(Recovery.Commands.StopMarkerWrite.Script)} kube-recover /var/lib/kube-recover/stopped/kube-proxy ", all[0], StringComparison.Ordinal);
        return all.Skip(1);
    }

    /// <summary>Restore's start steps, without the marker removal that follows each.</summary>
    public static IEnumerable<Step> Starts(this Phase restore) => restore.Steps.Where(s => !s.Id.EndsWith("/clear-stop-marker", StringComparison.Ordinal));

    public static IEnumerable<string> Commands(this Step step) =>
        step.Action is RunCommands run ? run.Commands.Select(c => c.Render()) : [];
}
