using Recovery.Facts.Parsing;
using Recovery.Inventory;

namespace Recovery.Facts;

/// <summary>What the probe read on a node that tells how kube-proxy runs there.</summary>
internal sealed record KubeProxyEvidence(
    KubeProxySpec? Override,
    IReadOnlyList<SystemdUnit> Units,
    IReadOnlyList<ProcessRow> Processes,
    IReadOnlySet<string> ExistingFiles,
    IReadOnlyList<ContainerRow> DockerContainers,
    IReadOnlyList<ContainerRow> CriContainers)
{
    /// <summary>The node's record of a kube-proxy an earlier kube-recover run stopped, when it has one.</summary>
    public StopMarker? Marker { get; init; }

    /// <summary>The reads above that did not answer (each with why): what they would have shown is unknown, not absent.</summary>
    public IReadOnlyList<string> Unread { get; init; } = [];

    /// <summary>`ps` did not answer: whether a kube-proxy process runs is unknown.</summary>
    public bool ProcessesUnread { get; init; }
}

/// <summary>
/// Decides how kube-proxy is run on a node, in this order: the inventory's override; a systemd unit
/// `kube-proxy.service`; k3s (kube-proxy inside the k3s process); a static pod manifest; a DaemonSet container
/// (docker, then containerd through crictl). Pure: the probe gathers the evidence. The mode is filled in later.
/// </summary>
internal static class KubeProxyDetection
{
    private const string UnknownMode = "unknown";

    private static readonly KubeProxyManager[] Order =
        [KubeProxyManager.Systemd, KubeProxyManager.K3s, KubeProxyManager.StaticPod, KubeProxyManager.Docker, KubeProxyManager.Containerd];

    public static KubeProxyFacts Decide(KubeProxyEvidence e)
    {
        var facts = DecideManager(e);
        // Nothing found, but a read that could have shown it did not answer: unknown, and the planner must not treat
        // the node as one without kube-proxy. Also when no manager shows: a marker that did not answer may owe a start.
        if (facts.Manager is null && e.Unread.Count > 0) facts = facts with { Unknown = string.Join("; ", e.Unread) };
        if (e.Marker is not { } marker) return facts;
        // A stopped DaemonSet container is not listed by `docker ps` / `crictl ps`: the marker says which one it was.
        if (facts.Manager is null && !facts.Running && marker is { Manager: KubeProxyManager.Docker or KubeProxyManager.Containerd, ContainerId: { } id })
        {
            facts = new KubeProxyFacts(marker.Manager, false, UnknownMode, ContainerId: id);
        }
        return facts with { StoppedBy = marker };
    }

    private static KubeProxyFacts DecideManager(KubeProxyEvidence e)
    {
        var process = ProcessTable.FindKubeProxy(e.Processes);
        if (e.Override is { } spec)
        {
            // The operator said how: use what the node shows for that manager, or at least the manager itself.
            var seen = spec.Manager == KubeProxyManager.Custom ? null : Find(spec.Manager, e, process);
            var unit = spec.Manager switch { KubeProxyManager.Systemd => "kube-proxy.service", KubeProxyManager.K3s => "k3s.service", _ => null };
            return (seen ?? new KubeProxyFacts(spec.Manager, Running(process, e), UnknownMode, Unit: unit) { Pid = process?.Pid })
                with { CustomStop = spec.Stop, CustomStart = spec.Start };
        }
        foreach (var manager in Order)
        {
            if (Find(manager, e, process) is { } found) return found;
        }
        // A process nobody claims (started by hand, or by a supervisor we do not know): running, manager unknown.
        return new KubeProxyFacts(null, Running(process, e), UnknownMode) { Pid = process?.Pid };
    }

    private static KubeProxyFacts? Find(KubeProxyManager manager, KubeProxyEvidence e, ProcessRow? process) => manager switch
    {
        KubeProxyManager.Systemd => e.Units.FirstOrDefault(u => u.Id == "kube-proxy.service" && u.Exists) is { } unit
            ? new KubeProxyFacts(manager, unit.IsActive, UnknownMode, Unit: unit.Id) { Pid = unit.MainPid ?? process?.Pid }
            : null,
        KubeProxyManager.K3s => K3s(e),
        KubeProxyManager.StaticPod => ProbeCommands.StaticPodManifests.FirstOrDefault(e.ExistingFiles.Contains) is { } manifest
            ? new KubeProxyFacts(manager, Running(process, e), UnknownMode, ManifestPath: manifest) { Pid = process?.Pid }
            : SetAside(e, process),
        // kubelet names a pod's containers k8s_CONTAINER_POD_NAMESPACE_UID_ATTEMPT; the pod's sandbox is k8s_POD_....
        KubeProxyManager.Docker => e.DockerContainers.FirstOrDefault(r => r.Name.StartsWith("k8s_kube-proxy_", StringComparison.Ordinal)) is { } docker
            ? new KubeProxyFacts(manager, true, UnknownMode, ContainerId: docker.Id) { Pid = process?.Pid }
            : null,
        KubeProxyManager.Containerd => e.CriContainers.FirstOrDefault(r => r.Name == "kube-proxy") is { } cri
            ? new KubeProxyFacts(manager, cri.State is null or "Running" or "CONTAINER_RUNNING", UnknownMode, ContainerId: cri.Id) { Pid = process?.Pid }
            : null,
        _ => null,
    };

    /// <summary>
    /// Running as `ps` shows it; when `ps` did not answer, assumed running, so the plan stops it (the stop's check skips
    /// a stopped one) rather than leaving a running one bound.
    /// </summary>
    private static bool Running(ProcessRow? process, KubeProxyEvidence e) => process is not null || e.ProcessesUnread;

    /// <summary>
    /// A manifest kube-recover moved aside (a run stopped between Contain and Restore): still a static pod, stopped,
    /// whose manifest goes back into the manifest folder that exists on this node.
    /// </summary>
    private static KubeProxyFacts? SetAside(KubeProxyEvidence e, ProcessRow? process)
    {
        if (!ProbeCommands.AsideManifests.Any(e.ExistingFiles.Contains)) return null;
        var manifest = ProbeCommands.StaticPodManifests.FirstOrDefault(m => e.ExistingFiles.Contains(Path.GetDirectoryName(m)!)) ?? ProbeCommands.StaticPodManifests[0];
        return new KubeProxyFacts(KubeProxyManager.StaticPod, process is not null, UnknownMode, ManifestPath: manifest) { Pid = process?.Pid, SetAsideByTool = true };
    }

    /// <summary>k3s runs kube-proxy inside its own process: the unit (k3s or k3s-agent), or the process when k3s runs without systemd.</summary>
    private static KubeProxyFacts? K3s(KubeProxyEvidence e)
    {
        var units = e.Units.Where(u => u.Id is "k3s.service" or "k3s-agent.service" && u.Exists).ToList();
        var unit = units.FirstOrDefault(u => u.IsActive) ?? units.FirstOrDefault();
        var process = ProcessTable.FindK3s(e.Processes);
        if (unit is null && process is null) return null;
        // Without systemd, the process title says the role (`k3s server` / `k3s agent`: SetProcTitle in k3s-io/k3s
        // pkg/cli/server/server.go and pkg/cli/agent/agent.go); only an agent is known to hold no API server.
        var id = unit?.Id ?? (process is { Argv: [_, "agent", ..] } ? "k3s-agent.service" : "k3s.service");
        return new KubeProxyFacts(KubeProxyManager.K3s, unit?.IsActive ?? true, UnknownMode, Unit: id)
        { Pid = unit?.MainPid ?? process?.Pid };
    }
}
