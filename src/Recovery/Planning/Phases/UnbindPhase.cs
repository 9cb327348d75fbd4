using System.Net;
using Recovery.Addresses;
using Recovery.Commands;
using Recovery.Facts;
using Recovery.Inventory;
using Recovery.Kubernetes;

namespace Recovery.Planning.Phases;

/// <summary>Phase 3: remove the hijacked addresses from kube-ipvs0, kube-proxy's ipsets and IPVS virtual servers; keep the owner's own local route.</summary>
internal static class UnbindPhase
{
    /// <param name="phase">The step ids' first word: "unbind", or "unbind-after-fix" on a node whose kube-proxy is never stopped.</param>
    public static IEnumerable<Step> Steps(Node n, NodeFacts? f, bool holds, ClusterInventory inventory, RecoveryIntent intent, List<string> notes, string phase = "unbind")
    {
        var deferred = f is null;
        // Every node, not only those holding the address at survey time: a kube-proxy that had not synced yet may
        // bind it between the survey and Contain. The check skips the step where the address is absent. The owner is
        // the exception: newer kube-proxy never binds an address a node already has, so it is unbound only if it holds it.
        {
            foreach (var a in intent.Addresses.Where(a => holds && f!.IpvsAddresses.Contains(a) || deferred || !n.Address.Equals(a)))
            {
                var absent = Probes.NotOnIpvsInterface(a);
                yield return new Step($"{phase}/{n.Name}/del-{a}", n.Name, $"Remove {HostPrefix.Of(a)} from {IpvsInterface.Name}",
                    new RunCommands([new IpvsAddressDel(a)]),
                    Check: absent, Verify: Verification.Within(absent, TimeSpan.FromSeconds(10)),
                    Undo: new IpvsAddressAdd(a), Deferred: deferred);
                var bound = KubeProxyIpsets.BoundAddresses(a);
                var alone = new IpsetEntry(a);
                yield return new Step($"{phase}/{n.Name}/ipset-{a}", n.Name, $"Remove {a} from the ipset {bound} (where ipset exists)",
                    new RunCommands([new IpsetDel(bound, alone)]),
                    Guard: Probes.ToolPresent("ipset"), Check: Probe.Fails(new IpsetTest(bound, alone)),
                    Undo: new IpsetAdd(bound, alone), Deferred: deferred);
                foreach (var port in intent.ServicePorts ?? [])
                {
                    foreach (var set in KubeProxyIpsets.AddressAndPort(a))
                    {
                        var entry = new IpsetEntry(a, port.Protocol, port.Port);
                        yield return new Step($"{phase}/{n.Name}/ipset-{set}-{a}-{port.Protocol}-{port.Port}", n.Name, $"Remove {entry} from the ipset {set} (where it exists)",
                            new RunCommands([new IpsetDel(set, entry)]),
                            Guard: Probe.Succeeds(new IpsetList(set)), Check: Probe.Fails(new IpsetTest(set, entry)),
                            Undo: new IpsetAdd(set, entry), Deferred: deferred);
                    }
                    var service = new IpvsService(port.Protocol, a, port.Port);
                    yield return new Step($"{phase}/{n.Name}/ipvs-{port.Protocol}-{a}-{port.Port}", n.Name, $"Remove the IPVS virtual server {port.Protocol} {service} (where ipvsadm exists)",
                        new RunCommands([new IpvsServiceDel(service)]),
                        Guard: Probes.ToolPresent("ipvsadm"), Check: Probe.Fails(new IpvsServiceList(service)),
                        Deferred: deferred);
                }
            }
        }
        // The owner's own local route: removing the kube-ipvs0 copy must not take the real one with it.
        foreach (var a in intent.Addresses.Where(a => n.Address.Equals(a)))
        {
            var device = f?.Addresses.FirstOrDefault(x => x.Interface != NodeFacts.IpvsInterface && x.Address.Equals(a))?.Interface;
            if (device is null)
            {
                notes.Add($"{n.Name} owns {a} but its interface is unknown; after the fix check at its console: ip route show table local {a}");
                continue;
            }
            var route = Probes.OwnLocalRoute(a, device);
            yield return new Step($"{phase}/{n.Name}/local-route-{a}", n.Name, $"Make sure {n.Name}'s own local route for {a} on {device} is intact",
                new RunCommands([new LocalRouteAdd(a, device)]),
                Check: route, Verify: Verification.Within(route, TimeSpan.FromSeconds(10)), Deferred: deferred);
        }
    }
}
