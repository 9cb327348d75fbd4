using Recovery.Commands;
using Recovery.Inventory;

namespace Recovery.Planning;

/// <summary>How kube-proxy is run on one node, resolved from its facts and the inventory: enough to stop it and start it again.</summary>
/// <param name="StopKubelet">DaemonSet container: kubelet was running and would restart the container, so it is stopped first.</param>
internal sealed record KubeProxyControl(
    KubeProxyManager Manager,
    string? Unit,
    string? ManifestPath,
    string? ContainerId,
    IReadOnlyList<string>? CustomStop,
    IReadOnlyList<string>? CustomStart,
    bool StopKubelet)
{
    private string AsidePath => AsideDirectory.For(ManifestPath!);

    /// <summary>
    /// kube-proxy runs inside an API server's process: a k3s server (`k3s server` runs the API server, and its agent's
    /// kube-proxy, in one process: k3s-io/k3s pkg/cli/server/server.go starts the agent in-process). Stopping it stops
    /// an API server, which the tool never does (DESIGN.md guarantee 9): no Contain or Restore step for it; its addresses
    /// are removed only after the Service is fixed (<see cref="Phases.UnbindAfterFixPhase"/>). Only the `k3s-agent`
    /// unit is known to hold no API server; a k3s whose role is unknown counts as a server.
    /// </summary>
    public bool InsideApiServer { get; private init; }

    private static bool IsK3sAgentUnit(string? unit) => unit is "k3s-agent" or "k3s-agent.service";

    /// <summary>
    /// Resolves how to stop and start kube-proxy on a node from its facts (null: unreachable) and the inventory.
    /// Null with a reason when it cannot be stopped safely by the tool (manager unknown, a needed detail missing).
    /// </summary>
    public static KubeProxyControl? Resolve(Node node, Facts.NodeFacts? facts, out string? reason)
    {
        var found = facts?.KubeProxy;
        var manager = found?.Manager ?? node.KubeProxy?.Manager;
        reason = null;
        switch (manager)
        {
            case null:
                reason = facts is null
                    ? "it was unreachable and the inventory does not say how kube-proxy runs there (kubeProxy.manager)"
                    : "how kube-proxy runs there could not be found (give kubeProxy.manager in the inventory)";
                return null;
            case KubeProxyManager.Systemd or KubeProxyManager.K3s:
                var unit = found?.Unit ?? (manager == KubeProxyManager.K3s ? "k3s" : "kube-proxy");
                return new KubeProxyControl(manager.Value, unit, null, null, null, null, false)
                {
                    InsideApiServer = manager == KubeProxyManager.K3s && (node.IsControlPlane || !IsK3sAgentUnit(unit)),
                };
            case KubeProxyManager.StaticPod:
                if (found?.ManifestPath is not { } manifest || !manifest.StartsWith('/'))
                {
                    reason = "its static pod manifest path is not known";
                    return null;
                }
                // Moving the manifest aside stops the pod only through a running kubelet; a stopped kubelet leaves its
                // pods running (their containers belong to the runtime), so the stop would never come.
                if (facts is { KubeletRunning: false } && found is { Running: true, SetAsideByTool: false, StoppedBy: null })
                {
                    reason = $"kubelet is not running there, so moving {manifest} aside would not stop the kube-proxy pod " +
                             "(a stopped kubelet leaves its pods running); stop its container with the runtime (docker stop / crictl stop) or start kubelet";
                    return null;
                }
                return new KubeProxyControl(manager.Value, null, manifest, null, null, null, false);
            case KubeProxyManager.Docker or KubeProxyManager.Containerd:
                if (found?.ContainerId is not { Length: > 0 } container)
                {
                    reason = "the id of its kube-proxy container is not known";
                    return null;
                }
                return new KubeProxyControl(manager.Value, null, null, container, null, null, facts?.KubeletRunning ?? true);
            default:
                var stop = found?.CustomStop ?? node.KubeProxy?.Stop;
                var start = found?.CustomStart ?? node.KubeProxy?.Start;
                if (stop is not { Count: > 0 } || start is not { Count: > 0 })
                {
                    reason = "the inventory gives no kubeProxy stop and start commands for the custom manager";
                    return null;
                }
                return new KubeProxyControl(manager.Value, null, null, null, stop, start, false);
        }
    }

    /// <summary>
    /// Contain steps, in order, for the node. Each stop first writes the node's <see cref="Facts.StopMarker"/> (durably),
    /// then stops: a kill between the two leaves a marker for a kube-proxy still running (harmless: the next run stops
    /// and starts it), never a kube-proxy stopped without its record.
    /// </summary>
    /// <param name="planned">The plan's creation time, written into the marker.</param>
    public IEnumerable<Step> ContainSteps(string node, bool deferred, DateTimeOffset planned)
    {
        if (InsideApiServer) throw new InvalidOperationException($"kube-proxy on {node} runs inside an API server ({Unit}): the tool never stops it");
        var id = $"contain/{node}";
        var budget = TimeSpan.FromSeconds(30);
        var mark = new StopMarkerWrite(Facts.StopMarker.Lines(planned, Manager, StopKubelet, Unit, ContainerId, StartCommand().ToString()));
        var unmark = new StopMarkerRemove();
        if (StopKubelet)
        {
            yield return new Step($"{id}/stop-kubelet", node, $"Record the stop in {StopMarkerFile.Path}, then stop kubelet, so it does not restart the kube-proxy container",
                new RunCommands([mark, new UnitStop("kubelet")]),
                Check: Probes.UnitInactive("kubelet"), Verify: Verification.Within(Probes.UnitInactive("kubelet"), budget),
                Undo: new UnitStart("kubelet"), Deferred: deferred);
        }
        var record = $"Record the stop in {StopMarkerFile.Path}, then ";
        yield return Manager switch
        {
            KubeProxyManager.Systemd or KubeProxyManager.K3s => new Step($"{id}/stop-kube-proxy", node, $"{record}stop the systemd unit {Unit}",
                new RunCommands([mark, new UnitStop(Unit!)]),
                Check: Probes.UnitInactive(Unit!), Verify: Verification.Within(Probes.UnitInactive(Unit!), budget),
                Undo: new UnitStart(Unit!).AndThen(unmark), Deferred: deferred),
            KubeProxyManager.StaticPod => new Step($"{id}/stop-kube-proxy", node, $"{record}move the static pod manifest {ManifestPath} aside to {AsidePath}, so kubelet stops kube-proxy",
                new RunCommands([mark, new AsideDirectoryCreate(), new ManifestMoveAside(ManifestPath!)]),
                Check: Probe.Succeeds(new StaticPodStopped(ManifestPath!)), Verify: Verification.Within(Probes.ProxySilent(), TimeSpan.FromSeconds(90)),
                Undo: new ManifestMoveBack(ManifestPath!).AndThen(unmark), Deferred: deferred),
            KubeProxyManager.Docker or KubeProxyManager.Containerd => new Step($"{id}/stop-kube-proxy", node, $"{record}stop the kube-proxy container {Short(ContainerId!)} ({ContainerStop.Program(Client)})",
                new RunCommands([mark, new ContainerStop(Client, ContainerId!)]),
                Check: ContainerStopped(), Verify: StopKubelet ? Verification.SettledWithin(ContainerStopped(), KubeletRestartSec, budget) : Verification.Within(ContainerStopped(), budget),
                Undo: new ContainerStart(Client, ContainerId!).AndThen(unmark), Deferred: deferred),
            _ => new Step($"{id}/stop-kube-proxy", node, $"{record}stop kube-proxy with the inventory's stop command",
                new RunCommands([mark, new CustomCommand(CustomStop!)]),
                Check: Probes.ProxySilent(), Verify: Verification.Within(Probes.ProxySilent(), TimeSpan.FromSeconds(60)),
                Undo: new CustomCommand(CustomStart!).AndThen(unmark), Deferred: deferred),
        };
    }

    /// <summary>What starts kube-proxy again (kubelet, for a DaemonSet container whose kubelet was stopped).</summary>
    private NodeCommand StartCommand() => StopKubelet ? new UnitStart("kubelet") : Manager switch
    {
        KubeProxyManager.Systemd or KubeProxyManager.K3s => new UnitStart(Unit!),
        KubeProxyManager.StaticPod => new ManifestMoveBack(ManifestPath!),
        KubeProxyManager.Docker or KubeProxyManager.Containerd => new ContainerStart(Client, ContainerId!),
        _ => new CustomCommand(CustomStart!),
    };

    /// <summary>
    /// Restore steps: start exactly what <see cref="ContainSteps"/> stopped, then remove the node's stop marker. A step
    /// of its own after the start (which verifies kube-proxy runs): a failed start keeps the marker, so the next run still owes it.
    /// </summary>
    public IEnumerable<Step> RestoreSteps(string node, bool deferred)
    {
        yield return StartStep(node, deferred);
        yield return new Step($"restore/{node}/clear-stop-marker", node, $"Remove {StopMarkerFile.Path}: kube-proxy runs again",
            new RunCommands([new StopMarkerRemove()]), Check: Probe.Succeeds(new StopMarkerAbsent()), Deferred: deferred);
    }

    private Step StartStep(string node, bool deferred)
    {
        var id = $"restore/{node}";
        var slow = TimeSpan.FromSeconds(120);
        if (StopKubelet)
        {
            // kubelet finds the pod's container stopped and starts a new one: that is what restores kube-proxy.
            return new Step($"{id}/start-kubelet", node, "Start kubelet again; it restarts the kube-proxy pod",
                new RunCommands([new UnitStart("kubelet")]),
                Check: Probes.UnitActive("kubelet"), Verify: Verification.Within(Probes.ProxyAnswers(), slow),
                Undo: new UnitStop("kubelet"), Deferred: deferred);
        }
        return Manager switch
        {
            KubeProxyManager.Systemd or KubeProxyManager.K3s => new Step($"{id}/start-kube-proxy", node, $"Start the systemd unit {Unit}",
                new RunCommands([new UnitStart(Unit!)]),
                Check: Probes.UnitActive(Unit!), Verify: Verification.Within(Probes.UnitActive(Unit!), TimeSpan.FromSeconds(60)),
                Undo: new UnitStop(Unit!), Deferred: deferred),
            KubeProxyManager.StaticPod => new Step($"{id}/start-kube-proxy", node, $"Move the static pod manifest back to {ManifestPath}",
                new RunCommands([new ManifestMoveBack(ManifestPath!)]),
                Check: Probe.Succeeds(new ManifestInPlace(ManifestPath!)), Verify: Verification.Within(Probes.ProxyAnswers(), slow),
                Undo: new ManifestMoveAside(ManifestPath!), Deferred: deferred),
            KubeProxyManager.Docker or KubeProxyManager.Containerd => new Step($"{id}/start-kube-proxy", node, $"Start the kube-proxy container {Short(ContainerId!)} ({ContainerStop.Program(Client)})",
                new RunCommands([new ContainerStart(Client, ContainerId!)]),
                Check: Probes.ProxyAnswers(), Verify: Verification.Within(Probes.ProxyAnswers(), TimeSpan.FromSeconds(60)),
                Undo: new ContainerStop(Client, ContainerId!), Deferred: deferred),
            _ => new Step($"{id}/start-kube-proxy", node, "Start kube-proxy with the inventory's start command",
                new RunCommands([new CustomCommand(CustomStart!)]),
                Check: Probes.ProxyAnswers(), Verify: Verification.Within(Probes.ProxyAnswers(), TimeSpan.FromSeconds(60)),
                Undo: new CustomCommand(CustomStop!), Deferred: deferred),
        };
    }

    /// <summary>The probe that says kube-proxy runs on the node again (final verify).</summary>
    /// <summary>
    /// Whether this kube-proxy is a process named kube-proxy whose metrics say when it last synced (<see cref="Commands.KubeProxySynced"/>):
    /// systemd units, static pods and DaemonSet containers run the kube-proxy binary; k3s runs it inside its own process,
    /// and an inventory's custom commands may run anything.
    /// </summary>
    public bool SignalsSync => Manager is not (KubeProxyManager.K3s or KubeProxyManager.Custom);

    public Probe Running() => Manager == KubeProxyManager.K3s ? Probes.UnitActive(Unit!) : Probes.ProxyAnswers();

    private ContainerClient Client => Manager == KubeProxyManager.Docker ? ContainerClient.Docker : ContainerClient.Crictl;

    // No kube-proxy container runs, whichever attempt (and kubelet, which would start the next, stays stopped).
    private Probe ContainerStopped() => Probe.PrintsNothing(new KubeProxyContainerRunning(Client, StopKubelet));

    /// <summary>
    /// How long a stopped kube-proxy container is watched before it counts as stopped: a kubelet started again within
    /// it (a supervisor, a watchdog) has replaced the container by then. kubeadm's kubelet.service restarts after 10 s.
    /// </summary>
    private static readonly TimeSpan KubeletRestartSec = TimeSpan.FromSeconds(10);

    private static string Short(string id) => id.Length > 12 ? id[..12] : id;
}
