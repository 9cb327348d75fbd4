namespace Recovery.Kubernetes.Discovery;

/// <summary>Where kube-apiserver's definition is looked for on a node, in this order: running process, static pod manifests, systemd units.</summary>
internal sealed record DiscoveryLocations(string ProcessPattern, IReadOnlyList<string> Manifests, IReadOnlyList<string> Units)
{
    /// <summary>kubeadm and RKE2 static pods; binary installs (kubeasz and most guides) under /etc/systemd or /usr/lib/systemd.</summary>
    public static DiscoveryLocations Default { get; } = new(
        "^(\\S*/)?kube-apiserver( |$)",
        ["/etc/kubernetes/manifests/kube-apiserver.yaml", "/var/lib/rancher/rke2/agent/pod-manifests/kube-apiserver.yaml"],
        ["/etc/systemd/system/kube-apiserver.service", "/usr/lib/systemd/system/kube-apiserver.service", "/lib/systemd/system/kube-apiserver.service"]);
}
