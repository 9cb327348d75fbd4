using Recovery.Commands;

namespace Recovery.Planning.Summary;

/// <summary>
/// What a step does, in a few words that are the same on every node doing the same thing (no container ids, no
/// per-node targets), so that a plan's nodes can be grouped: <see cref="Head"/> is the verb, <see cref="Item"/> its
/// object; gists with the same head are written once with their items listed ("remove from kube-ipvs0 A/32, B/32").
/// </summary>
internal sealed record StepGist(string Head, string Item)
{
    public static IEnumerable<StepGist> Of(Step step) => step.Action switch
    {
        RunCommands { Commands.Count: > 0 } run => run.Commands.SelectMany(Act),
        RunCommands => step.Verify is { } verify ? [Check(verify.Probe.Command)] : [],
        Wait wait => [new("wait", $"{wait.Duration.TotalSeconds:0} s")],
        SaveOutput save => [new("save", Saved(save.Command))],
        KubectlFix fix => [new(Fix(fix.Action, fix.Service, fix.Addresses),
            $"via kubectl on {(fix.Candidates.Count == 1 ? fix.Candidates[0].Node : $"the first of {string.Join(", ", fix.Candidates.Select(c => c.Node))} that answers")}{(fix.EtcdFallback ? ", else through etcd" : "")}; YAML saved first")],
        EtcdFix fix => [new(Fix(fix.Action, fix.Service, fix.Addresses), "through etcd; values saved first")],
        ClaimsCheck => [new("check", "no Service claims the addresses again")],
        _ => [],
    };

    private const string KubeProxyTables = "clear from kube-proxy's ipsets and IPVS";

    private static string Fix(Kubernetes.FixAction action, Kubernetes.ServiceRef? service, IReadOnlyList<System.Net.IPAddress> addresses) =>
        $"{(action == Kubernetes.FixAction.Delete ? "delete" : "strip the addresses from")} {(service is { } one ? $"Service {one}" : $"each Service claiming {string.Join(", ", addresses)}")}";

    /// <summary>The changes a command makes; the bookkeeping around them (the stop marker, the aside folder) goes unsaid.</summary>
    private static IEnumerable<StepGist> Act(NodeCommand command) => command switch
    {
        Chain chain => Act(chain.First).Concat(Act(chain.Then)),
        UnitStop stop => [new("stop", stop.Unit)],
        UnitStart start => [new("start", start.Unit)],
        ContainerStop stop => [new("stop", $"the kube-proxy container ({ContainerStop.Program(stop.Client)})")],
        ContainerStart start => [new("start", $"the kube-proxy container ({ContainerStop.Program(start.Client)})")],
        ManifestMoveAside aside => [new("move aside", aside.Manifest)],
        ManifestMoveBack back => [new("move back", back.Manifest)],
        IpvsAddressDel del => [new("remove from kube-ipvs0", Addresses.HostPrefix.Of(del.Address))],
        // Which of kube-proxy's ipsets and virtual servers is --detail's to say: one clause, whatever their number.
        IpsetDel del => [new(KubeProxyTables, del.Entry.Address.ToString())],
        IpvsServiceDel del => [new(KubeProxyTables, del.Service.Address.ToString())],
        LocalRouteAdd route => [new("restore its local route", route.Address.ToString())],
        CustomCommand custom => [new("run", string.Join(' ', custom.Argv))],
        StopMarkerWrite or StopMarkerRemove or AsideDirectoryCreate => [],
        _ => [new("run", command.Render())],
    };

    private static StepGist Check(NodeCommand probe) => probe switch
    {
        RouteGet => new("reach the control plane:", "route"),
        TcpConnect connect => new("reach the control plane:", $":{connect.Port}"),
        IpvsAddressShow show => new("check", $"{show.Address} off kube-ipvs0"),
        KubeProxySynced => new("check", "kube-proxy synced"),
        ProxyModeQuery => new("check", "kube-proxy answers"),
        _ => new("check", probe.Render()),
    };

    private static string Saved(NodeCommand command) => command switch
    {
        AddressList => "addresses",
        LocalRouteList => "local routes",
        IpsetList list => $"ipset {list.Set}",
        IpvsServiceList => "IPVS virtual servers",
        _ => command.Render(),
    };
}
