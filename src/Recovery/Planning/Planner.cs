using System.Net;
using Recovery.Access;
using Recovery.Facts;
using Recovery.Inventory;
using Recovery.Kubernetes;
using Recovery.Planning.Phases;

namespace Recovery.Planning;

/// <summary>
/// Facts + intent -> Plan. Pure: no I/O, no clock (the caller passes the time), the same input gives the same plan.
/// The order it produces is the safety argument (DESIGN.md guarantee 3): phases run one after the other, so
/// kube-proxy is stopped everywhere (Contain) before any address is removed (Unbind), and the Service is fixed
/// (FixObject) before any kube-proxy starts (Restore); Restore starts only what Contain stopped.
/// </summary>
internal static class Planner
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
    /// <exception cref="NodeIdentityException">Two nodes answered as one machine: nothing may be planned on such facts.</exception>
    /// <param name="claims">The Service claims read with the facts: part of the fingerprint, so a changed claim is drift.</param>
    public static Plan Create(ClusterInventory inventory, IReadOnlyList<NodeFacts> facts, RecoveryIntent intent, string localNode, DateTimeOffset created,
        IReadOnlyCollection<string>? stoppedEarlier = null, IReadOnlyCollection<IPAddress>? stillClaimed = null, IReadOnlyList<ServiceClaim>? claims = null)
    {
        if (inventory.FindByName(localNode) is null) throw new ArgumentException($"the local node '{localNode}' is not in the inventory", nameof(localNode));
        NodeIdentity.Require(facts);
        var fingerprint = FactsFingerprint.Of(facts, claims, intent.Addresses);
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
        var warnings = ClaimOwnerWarnings.For(claims, intent.Addresses).ToList();

        var holders = nodes.Where(n => byName.TryGetValue(n.Name, out var f) && f.IpvsAddresses.Any(intent.Addresses.Contains)).ToList();
        var unreachable = nodes.Where(n => !byName.ContainsKey(n.Name)).ToList();
        foreach (var n in unreachable)
        {
            warnings.Add($"{n.Name} did not answer at preflight: its steps are deferred until it answers (after the local fix); otherwise run its script at its console");
        }

        var claimedOnly = intent.Addresses.Where(a => stillClaimed?.Contains(a) == true && !holders.Any(h => byName[h.Name].IpvsAddresses.Contains(a))).ToList();
        // A node whose addresses could not be read may hold the address: not "nothing to do".
        var unseen = nodes.Where(n => byName.TryGetValue(n.Name, out var f) && f.AddressesUnread).ToList();
        // A kube-proxy an earlier run stopped is owed a start even when no address is left to recover (that run fixed
        // the Service first, and the kube-proxies that saw it unbound by themselves before it was killed).
        if (restartOwed.Count == 0 && (intent.Addresses.Count == 0 || holders.Count == 0 && unreachable.Count == 0 && unseen.Count == 0 && claimedOnly.Count == 0))
        {
            // Never "all is well" about nodes that were not seen (guarantee 8).
            var unseenNote = unreachable.Count == 0 ? "" : $" among the nodes that answered ({string.Join(", ", unreachable.Select(n => n.Name))} did not: not seen)";
            notes.Add(intent.Addresses.Count == 0
                ? $"Nothing to do: no hijacked address was given or found{unseenNote}."
                : $"Nothing to do: {string.Join(", ", intent.Addresses)} is on no node's {NodeFacts.IpvsInterface}{unseenNote}.");
            foreach (var n in nodes.Where(n => byName.TryGetValue(n.Name, out var f) && f.KubeProxy is { Manager: not null, Running: false }))
            {
                notes.Add($"kube-proxy is installed on {n.Name} but not running, and this tool did not stop it; this plan does not start it.");
            }
            foreach (var n in nodes.Where(n => byName.TryGetValue(n.Name, out var f) && f.KubeProxy.StoppedBy is not null))
            {
                notes.Add($"{n.Name} keeps {StopMarker.FilePath} from an earlier run, but its kube-proxy runs: the marker is stale; remove it with: {new Commands.StopMarkerRemove()}");
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
        // kube-proxy inside an API server (k3s servers): never stopped (guarantee 9); unbound after the Service fix.
        var kept = new Dictionary<string, KubeProxyControl>(StringComparer.Ordinal);
        var blocked = new HashSet<string>(StringComparer.Ordinal);
        var holds = new List<Step>();
        foreach (var n in nodes)
        {
            byName.TryGetValue(n.Name, out var f);
            if (f is { KubeProxy: { Detection: KubeProxyDetectionState.Unknown, Unknown: { } why } } && n.KubeProxy is null)
            {
                // Unknown is not absent: this node is held before the Service fix (UnknownKubeProxyHold), never passed over;
                // the inventory's kubeProxy settles it (Resolve below uses it).
                blocked.Add(n.Name);
                var mayHold = intent.Addresses.Where(a => !n.Address.Equals(a) || f.IpvsAddresses.Contains(a) || f.AddressesUnread).ToList();
                holds.AddRange(UnknownKubeProxyHold.Steps(n, why, mayHold));
                warnings.Add(UnknownKubeProxyHold.Warning(n, why, mayHold));
                continue;
            }
            // Unknown whether it runs (its reads did not answer, the inventory names the manager): planned to stop; the check skips a stopped one.
            if (f is not null && !f.KubeProxy.Running && f.KubeProxy.Unknown is null) continue;
            var control = KubeProxyControl.Resolve(n, f, out var reason);
            if (control is { InsideApiServer: true })
            {
                kept[n.Name] = control;
                var noFixFirst = FixObjectPhase.NoFixFirst(n.Name, byName, intent);
                (noFixFirst is null ? notes : warnings).Add(UnbindAfterFixPhase.Explain(n, control, noFixFirst, intent));
            }
            else if (control is not null)
            {
                controls[n.Name] = control;
            }
            else
            {
                blocked.Add(n.Name);
                warnings.Add($"kube-proxy on {n.Name} cannot be stopped by the tool: {reason}. Its addresses are not removed by the tool " +
                             $"(a running kube-proxy binds them again); at its console stop kube-proxy, then run: " +
                             string.Join("; ", intent.Addresses.Select(a => new Commands.IpvsAddressDel(a).ToString())));
            }
        }

        bool Deferred(Node n) => !byName.ContainsKey(n.Name);
        var serves = VerifyReachPhase.Serving(byName, notes);

        var verify = VerifyPhase.Steps(nodes, controls.Concat(kept).ToDictionary(StringComparer.Ordinal), inventory, intent, localNode, Deferred, serves,
            FixObjectPhase.Candidates(nodes, byName).FirstOrDefault(c => byName.ContainsKey(c.Node)), ClaimOwnerWarnings.Owned(claims, intent.Addresses)).ToList();
        var phases = new List<Phase>
        {
            new(PhaseKind.Preflight, "Save each node's addresses and local routes before changing them",
                nodes.Where(n => !Deferred(n)).SelectMany(PreflightPhase.Steps).ToList()),
            new(PhaseKind.Contain, "Stop kube-proxy on every node where it runs",
                nodes.Where(n => controls.ContainsKey(n.Name)).SelectMany(n => controls[n.Name].ContainSteps(n.Name, Deferred(n), created)).ToList(), localNode),
            new(PhaseKind.Unbind, $"Remove the hijacked addresses from {NodeFacts.IpvsInterface}",
                nodes.Where(n => !blocked.Contains(n.Name) && !kept.ContainsKey(n.Name)).SelectMany(n => UnbindPhase.Steps(n, byName.GetValueOrDefault(n.Name), holders.Contains(n), inventory, intent, notes)).ToList(), localNode),
            new(PhaseKind.VerifyReach, "Check every node reaches every control-plane node again",
                // Not towards nodes that did not answer: they hold the address until their deferred steps run, so their
                // replies stay on themselves, and the reachable nodes' recovery must not wait on them (Verify checks them).
                // Not from a node whose kube-proxy is kept: it may hold the addresses until after the fix (Verify checks it).
                holds.Concat(nodes.Where(n => !kept.ContainsKey(n.Name)).SelectMany(n => VerifyReachPhase.Steps("reach", n, inventory, intent, Deferred(n), (t, port) => !Deferred(t) && serves(t, port)))).ToList()),
            new(PhaseKind.FixObject, "Fix the Service(s) claiming the addresses",
                FixObjectPhase.Steps(nodes, byName, intent, localNode, warnings).ToList()),
            new(PhaseKind.UnbindAfterFix, $"Where kube-proxy runs inside an API server (never stopped): once the Service is fixed, let it remove the addresses, then remove what it left from {NodeFacts.IpvsInterface}",
                nodes.Where(n => kept.ContainsKey(n.Name)).SelectMany(n => UnbindAfterFixPhase.Steps(n, byName.GetValueOrDefault(n.Name), kept[n.Name], holders.Contains(n), inventory, intent, notes)).ToList(), localNode),
            new(PhaseKind.Restore, "Start again what Contain stopped",
                nodes.Where(n => controls.ContainsKey(n.Name)).SelectMany(n => controls[n.Name].RestoreSteps(n.Name, Deferred(n))).ToList()),
            // With a blind wait, the local node first: its first step is the wait, so no node's checks start before two sync
            // periods have passed. Without one, each node's checks follow its own kube-proxy's sync: all nodes at once.
            new(PhaseKind.Verify, "Once each kube-proxy has synced again (or two sync periods have passed): the addresses stay off, every node reaches the control plane, kube-proxy runs",
                verify, verify.Any(s => s.Action is Wait) ? localNode : null),
        };
        // Only where an API answered the survey with a claim (FixObjectPhase.First): other plans keep their seven phases.
        var fixFirst = FixObjectPhase.First(byName, intent, inventory, nodes.Where(n => kept.ContainsKey(n.Name)).Select(n => n.Name)).ToList();
        if (fixFirst.Count > 0)
        {
            phases.Insert(1, new(PhaseKind.FixFirst, "Fix the Service(s) first, through the API server that answered the survey and each k3s server's own (if this fails, FixObject does it after the unbind)", fixFirst));
        }
        // Only where kube-proxy runs inside an API server: other plans keep their phases.
        phases.RemoveAll(p => p.Kind == PhaseKind.UnbindAfterFix && p.Steps.Count == 0);
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

}
