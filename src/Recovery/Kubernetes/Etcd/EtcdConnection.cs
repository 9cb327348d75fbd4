namespace Recovery.Kubernetes.Etcd;

/// <summary>
/// Where etcd answers and how to authenticate. The PEM bytes stay in memory (they may have been read over SFTP
/// from a control-plane node): they are never written to local disk, logged or put on a command line.
/// </summary>
internal sealed record EtcdConnection(IReadOnlyList<Uri> Endpoints, EtcdCredentials? Credentials, string Prefix = EtcdConnection.DefaultPrefix)
{
    public const string DefaultPrefix = "/registry";

    /// <summary>How long one etcd call may take before it is abandoned.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(15);
}

/// <summary>mTLS material as PEM: the CA that signed etcd's serving certificate, the client certificate and its key.</summary>
internal sealed record EtcdCredentials(ReadOnlyMemory<byte> CaPem, ReadOnlyMemory<byte> CertificatePem, ReadOnlyMemory<byte> KeyPem)
{
    /// <summary>The client key; masked in every log from the moment it is read (however it was read: file, node, discovery).</summary>
    public ReadOnlyMemory<byte> KeyPem { get; init; } = Masked(KeyPem);

    /// <summary>Never prints key material.</summary>
    public override string ToString() => $"EtcdCredentials(ca {CaPem.Length} bytes, cert {CertificatePem.Length} bytes, key redacted)";

    private static ReadOnlyMemory<byte> Masked(ReadOnlyMemory<byte> key)
    {
        Logging.SecretMask.RegisterKey(key.Span);
        return key;
    }
}
