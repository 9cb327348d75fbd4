namespace Recovery.Kubernetes.Discovery;

/// <summary>What kubeadm gives every control-plane kube-apiserver for etcd (kubeadm's constants).</summary>
internal static class KubeadmDefaults
{
    public static readonly Uri Endpoint = new("https://127.0.0.1:2379");
    public const string CaFile = "/etc/kubernetes/pki/etcd/ca.crt";
    public const string CertificateFile = "/etc/kubernetes/pki/apiserver-etcd-client.crt";
    public const string KeyFile = "/etc/kubernetes/pki/apiserver-etcd-client.key";

    public static IReadOnlyList<string> Files { get; } = [CaFile, CertificateFile, KeyFile];
}
