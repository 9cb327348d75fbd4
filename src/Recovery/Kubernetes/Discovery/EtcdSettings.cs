namespace Recovery.Kubernetes.Discovery;

/// <summary>
/// How kube-apiserver reaches etcd, as its own flags say: endpoints, the file paths of the CA, client certificate
/// and key on that node, and the key prefix. <see cref="Source"/> names where the flags were read.
/// </summary>
internal sealed record EtcdSettings(IReadOnlyList<Uri> Endpoints, string? CaFile, string? CertificateFile, string? KeyFile, string Prefix, string Source)
{
    /// <summary>True when every endpoint is https and all three files are known (what mTLS needs).</summary>
    /// <summary>kube-apiserver's --advertise-address from the same definition (unparsed; null when not set): an address to protect.</summary>
    public string? AdvertiseAddress { get; init; }

    public bool HasClientCertificate => CaFile is not null && CertificateFile is not null && KeyFile is not null;
}
