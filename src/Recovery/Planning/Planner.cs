using System.Net;
using Recovery.Access;
using Recovery.Facts;
using Recovery.Inventory;
using Recovery.Kubernetes;

namespace Recovery.Planning;

/// <summary>
/// Facts + intent -> Plan. Pure: no I/O, no clock (the caller passes the time), the same input gives the same plan.
/// The order it produces is the safety argument (DESIGN.md guarantee 3): phases run one after the other, so
/// kube-proxy is stopped everywhere (Contain) before any address is removed (Unbind), and the Service is fixed
/// (FixObject) before any kube-proxy starts (Restore); Restore starts only what Contain stopped.
/// </summary>
public static class Planner
{
    /// <summary>Slack added to two sync periods before the final verify, for a kube-proxy that has just started: a third of a period, at least a second.</summary>
    public static TimeSpan SyncMargin(TimeSpan syncPeriod) => syncPeriod / 3 > TimeSpan.FromSeconds(1) ? syncPeriod / 3 : TimeSpan.FromSeconds(1);

    public static readonly TimeSpan KubectlRequestTimeout = TimeSpan.FromSeconds(10);

    /// <param name="facts">One entry per node that answered at preflight; a node of the inventory without facts was unreachable.</param>
    /// <param name="localNode">The node the tool runs on: handled first in Contain and Unbind.</param>
    /// <param name="stoppedEarlier">
    /// Contain steps an earlier run of the tool acted on (<see cref="Execution.Journal.ActedSteps"/>: stage 1 of a
    /// local-first recovery, or a run that stopped at a failed Service fix). Their node's kube-proxy (and kubelet) is
    /// stopped now only because the tool stopped it, so this plan starts it again, and is not empty while it must.
    /// </param>
    /// <param name="stillClaimed">
    /// Addresses of the intent that some Service still claims (diagnose read them through kubectl or etcd). Such an
    /// address is a lockout waiting for the next kube-proxy sync even when no kube-ipvs0 holds it now (an interrupted
    /// recovery, kube-proxy stopped by hand): the plan then still fixes the Service.
    /// </param>
    public static Plan Create(ClusterInventory inventory, IReadOnlyList<NodeFacts> facts, RecoveryIntent intent, string localNode, DateTimeOffset created,
        IReadOnlyCollection<string>? stoppedEarlier = null, IReadOnlyCollection<IPAddress>? stillClaimed = null)
    {
        if (inventory.FindByName(localNode) is null) throw new ArgumentException($"the local node '{localNode}' is not in the inventory", nameof(localNode));
        var fingerprint = FactsFingerprint.Of(facts);
        var earlier = new HashSet<string>(stoppedEarlier ?? [], StringComparer.Ordinal);
        // What ran before the tool stopped it counts as running: planned to stop (its check skips) and to start again.
        // The node's own stop marker says the same for any earlier run, also one killed before it could journal.
        var restartOwed = facts.Where(f => earlier.Contains($"contain/{f.NodeName}/stop-kube-proxy") || f.KubeProxy.SetAsideByTool
                || f.KubeProxy.StoppedBy is { } m && (!f.KubeProxy.Running || m.KubeletStopped && !f.KubeletRunning))
            .Select(f => f.NodeName).ToHashSet(StringComparer.Ordinal);
        var byName = facts.Select(f => f with
        {
            KubeProxy = f.KubeProxy with { Running = f.KubeProxy.Running || restartOwed.Contains(f.NodeName) },
            KubeletRunning = f.KubeletRunning || earlier.Contains($"contain/{f.NodeName}/stop-kubelet") || f.KubeProxy.StoppedBy is { KubeletStopped: true },
        }).ToDictionary(f => f.NodeName, StringComparer.Ordinal);
        // Local node first, then the inventory's order: the order every phase lists its nodes in.
        var nodes = inventory.Nodes.OrderBy(n => n.Name == localNode ? 0 : 1).ToList();
        var notes = new List<string>();
        var warnings = new List<string>();

        var holders = nodes.Where(n => byName.TryGetValue(n.Name, out var f) && f.IpvsAddresses.Any(intent.Addresses.Contains)).ToList();
        var unreachable = nodes.Where(n => !byName.ContainsKey(n.Name)).ToList();
        foreach (var n in unreachable)
        {
            warnings.Add($"{n.Name} did not answer at preflight: its steps are deferred until it answers (after the local fix); otherwise run its script at its console");
        }

        var claimedOnly = intent.Addresses.Where(a => stillClaimed?.Contains(a) == true && !holders.Any(h => byName[h.Name].IpvsAddresses.Contains(a))).ToList();
        if (intent.Addresses.Count == 0 || holders.Count == 0 && unreachable.Count == 0 && restartOwed.Count == 0 && claimedOnly.Count == 0)
        {
            notes.Add(intent.Addresses.Count == 0
                ? "Nothing to do: no hijacked address was given or found."
                : $"Nothing to do: {string.Join(", ", intent.Addresses)} is on no node's {NodeFacts.IpvsInterface}.");
            foreach (var n in nodes.Where(n => byName.TryGetValue(n.Name, out var f) && f.KubeProxy is { Manager: not null, Running: false }))
            {
                notes.Add($"kube-proxy is installed on {n.Name} but not running, and this tool did not stop it; this plan does not start it.");
            }
            foreach (var n in nodes.Where(n => byName.TryGetValue(n.Name, out var f) && f.KubeProxy.StoppedBy is not null))
            {
                notes.Add($"{n.Name} keeps {StopMarker.FilePath} from an earlier run, but its kube-proxy runs: the marker is stale; remove it with: {StopMarkerCommands.Remove().Render()}");
            }
            return new Plan(Plan.CurrentApiVersion, Plan.PlanKind, created, localNode, intent, fingerprint, [], notes, warnings);
        }

        if (claimedOnly.Count > 0)
        {
            notes.Add($"{string.Join(", ", claimedOnly)}: on no {NodeFacts.IpvsInterface} now, but a Service still claims it: the next kube-proxy sync would bind it again, so the Service is fixed all the same.");
        }

        // Which nodes get kube-proxy stopped (and started again): where it runs now, and unreachable nodes whose
        // inventory says how it runs (assumed running; the check skips the stop when it is not).
        var controls = new Dictionary<string, KubeProxyControl>(StringComparer.Ordinal);
        var blocked = new HashSet<string>(StringComparer.Ordinal);
        foreach (var n in nodes)
        {
            byName.TryGetValue(n.Name, out var f);
            if (f is not null && !f.KubeProxy.Running) continue;
            var control = KubeProxyControl.Resolve(n, f, out var reason);
            if (control is not null)
            {
                controls[n.Name] = control;
            }
            else
            {
                blocked.Add(n.Name);
                warnings.Add($"kube-proxy on {n.Name} cannot be stopped by the tool: {reason}. Its addresses are not removed by the tool " +
                             $"(a running kube-proxy binds them again); at its console stop kube-proxy, then run: " +
                             string.Join("; ", intent.Addresses.Select(a => ShellCommand.Of("ip", "addr", "del", Probes.HostPrefix(a), "dev", NodeFacts.IpvsInterface).Render())));
            }
        }
        foreach (var (name, control) in controls)
        {
            if (control.Manager == KubeProxyManager.K3s && inventory.FindByName(name)!.IsControlPlane)
            {
                warnings.Add($"stopping k3s on {name} also stops its API server until Restore");
            }
        }

        bool Deferred(Node n) => !byName.ContainsKey(n.Name);
        var serves = Serving(byName, notes);

        var phases = new List<Phase>
        {
            new(PhaseKind.Preflight, "Save each node's addresses and local routes before changing them",
                nodes.Where(n => !Deferred(n)).SelectMany(PreflightSteps).ToList()),
            new(PhaseKind.Contain, "Stop kube-proxy on every node where it runs",
                nodes.Where(n => controls.ContainsKey(n.Name)).SelectMany(n => controls[n.Name].ContainSteps(n.Name, Deferred(n), created)).ToList(), localNode),
            new(PhaseKind.Unbind, $"Remove the hijacked addresses from {NodeFacts.IpvsInterface}",
                nodes.Where(n => !blocked.Contains(n.Name)).SelectMany(n => UnbindSteps(n, byName.GetValueOrDefault(n.Name), holders.Contains(n), inventory, intent, notes)).ToList(), localNode),
            new(PhaseKind.VerifyReach, "Check every node reaches every control-plane node again",
                // Not towards nodes that did not answer: they hold the address until their deferred steps run, so their
                // replies stay on themselves, and the reachable nodes' recovery must not wait on them (Verify checks them).
                nodes.SelectMany(n => ReachSteps("reach", n, inventory, intent, Deferred(n), (t, port) => !Deferred(t) && serves(t, port))).ToList()),
            new(PhaseKind.FixObject, "Fix the Service(s) claiming the addresses",
                FixSteps(nodes, byName, intent, localNode, warnings).ToList()),
            new(PhaseKind.Restore, "Start again what Contain stopped",
                nodes.Where(n => controls.ContainsKey(n.Name)).SelectMany(n => controls[n.Name].RestoreSteps(n.Name, Deferred(n))).ToList()),
            // The local node first: its first step is the wait, so no node's checks start before two sync periods have passed.
            new(PhaseKind.Verify, "After two kube-proxy sync periods: the addresses stay off, every node reaches the control plane, kube-proxy runs",
                VerifySteps(nodes, controls, inventory, intent, localNode, Deferred, serves).ToList(), localNode),
        };
        if (intent.ServicePorts is null)
        {
            notes.Add("IPVS virtual servers for the addresses are left to kube-proxy's first sync after the Service fix (their ports were not given); list them with: ipvsadm -L -n");
        }
        if (restartOwed.Count > 0)
        {
            var owed = nodes.Where(n => restartOwed.Contains(n.Name)).Select(n => byName[n.Name].KubeProxy.StoppedBy is { } m
                ? $"{n.Name} (stopped by an earlier kube-recover run at {m.When}, recorded in {StopMarker.FilePath})"
                : n.Name);
            notes.Add($"kube-proxy was stopped by an earlier run on {string.Join(", ", owed)}: this plan starts it again after the Service fix.");
        }
        return new Plan(Plan.CurrentApiVersion, Plan.PlanKind, created, localNode, intent, fingerprint, phases, notes, warnings);
    }

    private static IEnumerable<Step> PreflightSteps(Node n)
    {
        yield return new Step($"preflight/{n.Name}/save-addresses", n.Name, "Save `ip addr show` into the state directory",
            new SaveOutput(ShellCommand.Of("ip", "addr", "show"), $"{n.Name}.addresses.before.txt"));
        yield return new Step($"preflight/{n.Name}/save-local-routes", n.Name, "Save `ip route show table local` into the state directory",
            new SaveOutput(ShellCommand.Of("ip", "route", "show", "table", "local"), $"{n.Name}.local-routes.before.txt"));
    }

    private static IEnumerable<Step> UnbindSteps(Node n, NodeFacts? f, bool holds, ClusterInventory inventory, RecoveryIntent intent, List<string> notes)
    {
        var deferred = f is null;
        // Every node, not only those holding the address at survey time: a kube-proxy that had not synced yet may
        // bind it between the survey and Contain. The check skips the step where the address is absent. The owner is
        // the exception: newer kube-proxy never binds an address a node already has, so it is unbound only if it holds it.
        {
            foreach (var a in intent.Addresses.Where(a => holds && f!.IpvsAddresses.Contains(a) || deferred || !n.Address.Equals(a)))
            {
                var prefix = Probes.HostPrefix(a);
                var absent = Probes.NotOnIpvsInterface(a);
                yield return new Step($"unbind/{n.Name}/del-{a}", n.Name, $"Remove {prefix} from {NodeFacts.IpvsInterface}",
                    new RunCommands([ShellCommand.Of("ip", "addr", "del", prefix, "dev", NodeFacts.IpvsInterface)]),
                    Check: absent, Verify: Verification.Within(absent, TimeSpan.FromSeconds(10)),
                    Undo: ShellCommand.Of("ip", "addr", "add", prefix, "dev", NodeFacts.IpvsInterface), Deferred: deferred);
                var bound = KubeProxyIpsets.BoundAddresses(a);
                yield return new Step($"unbind/{n.Name}/ipset-{a}", n.Name, $"Remove {a} from the ipset {bound} (where ipset exists)",
                    new RunCommands([ShellCommand.Of("ipset", "del", bound, a.ToString())]),
                    Guard: Probes.ToolPresent("ipset"), Check: Probe.Fails(ShellCommand.Of("ipset", "test", bound, a.ToString())),
                    Undo: ShellCommand.Of("ipset", "add", bound, a.ToString()), Deferred: deferred);
                foreach (var port in intent.ServicePorts ?? [])
                {
                    foreach (var set in KubeProxyIpsets.AddressAndPort(a))
                    {
                        var entry = KubeProxyIpsets.Entry(a, port);
                        yield return new Step($"unbind/{n.Name}/ipset-{set}-{a}-{port.Protocol}-{port.Port}", n.Name, $"Remove {entry} from the ipset {set} (where it exists)",
                            new RunCommands([ShellCommand.Of("ipset", "del", set, entry)]),
                            Guard: Probe.Succeeds(ShellCommand.Of("ipset", "list", "-n", set)), Check: Probe.Fails(ShellCommand.Of("ipset", "test", set, entry)),
                            Undo: ShellCommand.Of("ipset", "add", set, entry), Deferred: deferred);
                    }
                    var service = port.IpvsService(a);
                    yield return new Step($"unbind/{n.Name}/ipvs-{port.Protocol}-{a}-{port.Port}", n.Name, $"Remove the IPVS virtual server {port.Protocol} {service} (where ipvsadm exists)",
                        new RunCommands([ShellCommand.Of("ipvsadm", "-D", port.IpvsadmFlag, service)]),
                        Guard: Probes.ToolPresent("ipvsadm"), Check: Probe.Fails(ShellCommand.Of("ipvsadm", "-L", "-n", port.IpvsadmFlag, service)),
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
            yield return new Step($"unbind/{n.Name}/local-route-{a}", n.Name, $"Make sure {n.Name}'s own local route for {a} on {device} is intact",
                new RunCommands([ShellCommand.Of("ip", "route", "add", "local", a.ToString(), "dev", device, "table", "local", "proto", "kernel", "scope", "host", "src", a.ToString())]),
                Check: route, Verify: Verification.Within(route, TimeSpan.FromSeconds(10)), Deferred: deferred);
        }
    }

    /// <summary>Route and port checks from one node to the control plane. Used by VerifyReach and Verify.</summary>
    /// <summary>
    /// Whether a node's API server (6443) or etcd (2379) is known to serve: it answered on its own node, where no
    /// hijack can interfere. When it did not (stopped, crashed, its manifest moved aside), checking that every node
    /// reaches it would fail for a reason this recovery does not fix; the plan says so instead. Unknown: assumed to serve.
    /// </summary>
    private static Func<Node, int, bool> Serving(Dictionary<string, NodeFacts> byName, List<string> notes)
    {
        var silent = new List<string>();
        foreach (var (name, f) in byName)
        {
            foreach (var port in new[] { 6443, 2379 })
            {
                var self = f.Reach.FirstOrDefault(r => r.TargetNode == name && r.Port == port);
                if (self is { Reachable: false }) silent.Add($"{name}:{port} ({(port == 6443 ? "kube-apiserver" : "etcd")})");
            }
        }
        if (silent.Count > 0)
        {
            notes.Add($"Not answering even on their own node, so not checked from the others: {string.Join(", ", silent)}. Start them once the recovery is done.");
        }
        return (target, port) => !byName.TryGetValue(target.Name, out var f)
            || f.Reach.FirstOrDefault(r => r.TargetNode == target.Name && r.Port == port) is not { Reachable: false };
    }

    private static IEnumerable<Step> ReachSteps(string phase, Node n, ClusterInventory inventory, RecoveryIntent intent, bool deferred, Func<Node, int, bool> serves)
    {
        var budget = TimeSpan.FromSeconds(30);
        // Every node address that was hijacked, and every control-plane node, must be routed off this node.
        var targets = inventory.Nodes.Where(t => t.Name != n.Name && (t.IsControlPlane || intent.Addresses.Contains(t.Address)));
        foreach (var t in targets)
        {
            yield return new Step($"{phase}/{n.Name}/route-{t.Name}", n.Name, $"`ip route get {t.Address}` leaves the node (not local)",
                new RunCommands([]), Verify: Verification.Within(Probes.RouteNotLocal(t.Address), budget), Deferred: deferred);
            if (t.IsControlPlane && serves(t, 6443))
            {
                yield return new Step($"{phase}/{n.Name}/api-{t.Name}", n.Name, $"{t.Name}'s API server answers on {t.Address}:6443",
                    new RunCommands([]), Verify: Verification.Within(Probes.TcpAnswers(t.Address, 6443), budget), Deferred: deferred);
            }
            if (t.IsEtcd && serves(t, 2379))
            {
                yield return new Step($"{phase}/{n.Name}/etcd-{t.Name}", n.Name, $"{t.Name}'s etcd answers on {t.Address}:2379",
                    new RunCommands([]), Verify: Verification.Within(Probes.TcpAnswers(t.Address, 2379), budget), Deferred: deferred);
            }
        }
    }

    private static IEnumerable<Step> FixSteps(List<Node> nodes, Dictionary<string, NodeFacts> byName, RecoveryIntent intent, string localNode, List<string> warnings)
    {
        var services = intent.Services is { Count: > 0 } s ? s.Cast<ServiceRef?>().ToList() : [null];
        var verb = intent.Action == FixAction.Delete ? "Delete" : "Strip the addresses from";
        string Id(ServiceRef? svc) => svc is null ? $"fix-object/{localNode}/{intent.Action.ToString().ToLowerInvariant()}-claiming-services"
            : $"fix-object/{localNode}/{intent.Action.ToString().ToLowerInvariant()}-{svc.Namespace}.{svc.Name}";
        string Target(ServiceRef? svc) => svc is null ? $"every Service claiming {string.Join(", ", intent.Addresses)}" : $"the Service {svc}";

        if (intent.Path == FixPath.Etcd)
        {
            foreach (var svc in services)
            {
                yield return new Step(Id(svc), localNode, $"{verb} {Target(svc)} directly in etcd (backup first)",
                    new EtcdFix(svc, intent.Action, intent.Addresses));
            }
            yield break;
        }
        // Control-plane nodes with kubectl that answered, local first; unreachable control-plane nodes last.
        var candidates = nodes.Where(n => n.IsControlPlane && byName.TryGetValue(n.Name, out var f) && f.Kubectl.Installed)
            .Concat(nodes.Where(n => n.IsControlPlane && !byName.ContainsKey(n.Name)))
            .Select(n => new KubectlCandidate(n.Name, byName.GetValueOrDefault(n.Name)?.Kubectl.KubeconfigPath)).ToList();
        if (candidates.Count == 0)
        {
            warnings.Add(intent.Path == FixPath.Auto
                ? "no control-plane node has kubectl: the Service is fixed through etcd"
                : "no control-plane node has kubectl: the Service fix will fail; use --via etcd or auto");
        }
        foreach (var svc in services)
        {
            var step = candidates.Count == 0 && intent.Path == FixPath.Auto
                ? new Step(Id(svc), localNode, $"{verb} {Target(svc)} directly in etcd (backup first)", new EtcdFix(svc, intent.Action, intent.Addresses))
                : new Step(Id(svc), candidates.FirstOrDefault()?.Node ?? localNode, $"{verb} {Target(svc)} through kubectl on the first control-plane node that answers (YAML saved first)",
                    new KubectlFix(svc, intent.Action, intent.Addresses, candidates, KubectlRequestTimeout, intent.Path == FixPath.Auto));
            yield return step;
        }
    }

    private static IEnumerable<Step> VerifySteps(List<Node> nodes, Dictionary<string, KubeProxyControl> controls, ClusterInventory inventory,
        RecoveryIntent intent, string localNode, Func<Node, bool> deferred, Func<Node, int, bool> serves)
    {
        var wait = intent.SyncPeriod * 2 + SyncMargin(intent.SyncPeriod);
        yield return new Step($"verify/{localNode}/wait-two-sync-periods", localNode,
            $"Wait {wait.TotalSeconds:0} s (two kube-proxy sync periods and a margin) so a kube-proxy that would bind the address again has done so",
            new Wait(wait));
        foreach (var n in nodes)
        {
            foreach (var a in intent.Addresses)
            {
                yield return new Step($"verify/{n.Name}/unbound-{a}", n.Name, $"{a} is not on {NodeFacts.IpvsInterface}",
                    new RunCommands([]), Verify: Verification.Within(Probes.NotOnIpvsInterface(a), TimeSpan.FromSeconds(5)), Deferred: deferred(n));
            }
            foreach (var step in ReachSteps("verify", n, inventory, intent, deferred(n), serves))
            {
                yield return step;
            }
            if (controls.TryGetValue(n.Name, out var control))
            {
                yield return new Step($"verify/{n.Name}/kube-proxy-running", n.Name, "kube-proxy runs again",
                    new RunCommands([]), Verify: Verification.Within(control.Running(), TimeSpan.FromSeconds(60)), Deferred: deferred(n));
            }
        }
    }
}
