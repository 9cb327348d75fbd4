namespace Recovery.Kubernetes;

/// <summary>
/// Which kubectl a node runs. RKE2 puts its tools outside PATH, under its data dir's bin (rancher/rke2: the install
/// docs add /var/lib/rancher/rke2/bin to PATH by hand; pkg/rke2/rke2_linux.go keeps everything under the data dir
/// /var/lib/rancher/rke2), so kubectl is run there by its full path when PATH has none. k3s links kubectl to itself
/// in /usr/local/bin (on PATH).
/// </summary>
internal static class KubectlProgram
{
    public const string OnPath = "kubectl";

    public const string Rke2BinDirectory = "/var/lib/rancher/rke2/bin";

    public const string Rke2 = Rke2BinDirectory + "/kubectl";

    /// <summary>RKE2's crictl (talks to RKE2's containerd through /var/lib/rancher/rke2/agent/etc/crictl.yaml, written beside it).</summary>
    public const string Rke2Crictl = Rke2BinDirectory + "/crictl";
}
