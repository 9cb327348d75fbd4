using Recovery.Facts.Parsing;
using Recovery.Inventory;

namespace Recovery.Facts;

/// <summary>What the probe read on a node that tells how kube-proxy runs there.</summary>
public sealed record KubeProxyEvidence(
    KubeProxySpec? Override,
    IReadOnlyList<SystemdUnit> Units,
    IReadOnlyList<ProcessRow> Processes,
    IReadOnlySet<string> ExistingFiles,
    IReadOnlyList<ContainerRow> DockerContainers,
    IReadOnlyList<ContainerRow> CriContainers);

/// <summary>
/// Decides how kube-proxy is run on a node, in this order: the inventory's override; a systemd unit
/// `kube-proxy.service`; k3s (kube-proxy inside the k3s process); a static pod manifest; a DaemonSet container
/// (docker, then containerd through crictl). Pure: the probe gathers the evidence.
/// </summary>
public static class KubeProxyDetection
{
    public static KubeProxyFacts Decide(KubeProxyEvidence e)
    {
        var process = ProcessTable.FindKubeProxy(e.Processes);
        var running = process is not null;
        var pid = process?.Pid;

        if (e.Override is { } spec)
        {
            return new KubeProxyFacts(spec.Manager, running || OverrideRunning(spec, e), "unknown",
                Unit: spec.Manager == KubeProxyManager.Systemd ? "kube-proxy.service" : spec.Manager == KubeProxyManager.K3s ? K3sUnit(e)?.Id ?? "k3s.service" : null,
                ManifestPath: spec.Manager == KubeProxyManager.StaticPod ? e.ExistingFiles.FirstOrDefault(ProbeCommands.StaticPodManifests.Contains) : null,
                ContainerId: spec.Manager switch
                {
                    KubeProxyManager.Docker => KubeProxyContainer(e.DockerContainers)?.Id,
                    KubeProxyManager.Containerd => KubeProxyCriContainer(e.CriContainers)?.Id,
                    _ => null,
                },
                CustomStop: spec.Stop, CustomStart: spec.Start) { Pid = pid };
        }

        var unit = e.Units.FirstOrDefault(u => u.Id == "kube-proxy.service" && u.Exists);
        if (unit is not null)
        {
            return new KubeProxyFacts(KubeProxyManager.Systemd, unit.IsActive, "unknown", Unit: unit.Id) { Pid = unit.MainPid ?? pid };
        }

        var k3s = K3sUnit(e);
        var k3sProcess = ProcessTable.FindK3s(e.Processes);
        if (k3s is not null || k3sProcess is not null)
        {
            return new KubeProxyFacts(KubeProxyManager.K3s, k3s?.IsActive ?? true, "unknown", Unit: k3s?.Id ?? "k3s.service")
            { Pid = k3s?.MainPid ?? k3sProcess?.Pid };
        }

        var manifest = ProbeCommands.StaticPodManifests.FirstOrDefault(e.ExistingFiles.Contains);
        if (manifest is not null)
        {
            return new KubeProxyFacts(KubeProxyManager.StaticPod, running, "unknown", ManifestPath: manifest) { Pid = pid };
        }

        if (KubeProxyContainer(e.DockerContainers) is { } docker)
        {
            return new KubeProxyFacts(KubeProxyManager.Docker, true, "unknown", ContainerId: docker.Id) { Pid = pid };
        }

        if (KubeProxyCriContainer(e.CriContainers) is { } cri)
        {
            return new KubeProxyFacts(KubeProxyManager.Containerd, cri.State is null or "Running" or "CONTAINER_RUNNING", "unknown", ContainerId: cri.Id) { Pid = pid };
        }

        // A process nobody claims (started by hand, or by a supervisor we do not know): running, manager unknown.
        return new KubeProxyFacts(null, running, "unknown") { Pid = pid };
    }

    private static bool OverrideRunning(KubeProxySpec spec, KubeProxyEvidence e) => spec.Manager switch
    {
        KubeProxyManager.Systemd => e.Units.Any(u => u.Id == "kube-proxy.service" && u.IsActive),
        KubeProxyManager.K3s => K3sUnit(e)?.IsActive ?? false,
        KubeProxyManager.Docker => KubeProxyContainer(e.DockerContainers) is not null,
        KubeProxyManager.Containerd => KubeProxyCriContainer(e.CriContainers) is not null,
        _ => false,
    };

    private static SystemdUnit? K3sUnit(KubeProxyEvidence e) =>
        e.Units.FirstOrDefault(u => u.Id is "k3s.service" or "k3s-agent.service" && u.Exists && u.IsActive)
        ?? e.Units.FirstOrDefault(u => u.Id is "k3s.service" or "k3s-agent.service" && u.Exists);

    /// <summary>kubelet names a pod's containers k8s_CONTAINER_POD_NAMESPACE_UID_ATTEMPT; the sandbox is k8s_POD_....</summary>
    private static ContainerRow? KubeProxyContainer(IEnumerable<ContainerRow> rows) =>
        rows.FirstOrDefault(r => r.Name.StartsWith("k8s_kube-proxy_", StringComparison.Ordinal));

    private static ContainerRow? KubeProxyCriContainer(IEnumerable<ContainerRow> rows) =>
        rows.FirstOrDefault(r => r.Name == "kube-proxy");
}
