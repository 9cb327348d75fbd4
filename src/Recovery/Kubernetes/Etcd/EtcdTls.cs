using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Recovery.Kubernetes.Etcd;

/// <summary>
/// Client TLS for etcd from in-memory PEM. The server certificate must chain to the given CA (and only to it);
/// the host name is not compared because the gRPC channel connects through a static resolver name, and often
/// through an SSH tunnel on 127.0.0.1: the cluster's private etcd CA is the trust anchor, as with etcdctl --cacert.
/// </summary>
internal static class EtcdTls
{
    public static Action<SslClientAuthenticationOptions> Configure(EtcdCredentials credentials)
    {
        var roots = Roots(credentials.CaPem.Span);
        var client = Client(credentials.CertificatePem.Span, credentials.KeyPem.Span);
        return options =>
        {
            options.ClientCertificates = [client];
            options.RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null && ChainsTo(certificate, roots);
        };
    }

    /// <summary>The CA certificates of a PEM file; an <see cref="EtcdStoreException"/> says what the file should hold.</summary>
    public static X509Certificate2Collection Roots(ReadOnlySpan<byte> caPem)
    {
        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPem(System.Text.Encoding.ASCII.GetString(caPem));
        }
        catch (CryptographicException e)
        {
            throw new EtcdStoreException($"the etcd CA certificate is not valid PEM: {e.Message.TrimEnd('.')}; expected PEM 'BEGIN CERTIFICATE'");
        }
        return roots.Count > 0 ? roots : throw new EtcdStoreException("the etcd CA file holds no certificate; expected PEM 'BEGIN CERTIFICATE'");
    }

    /// <summary>The client certificate with its key; an <see cref="EtcdStoreException"/> says what the files should hold (never the key).</summary>
    public static X509Certificate2 Client(ReadOnlySpan<byte> certificatePem, ReadOnlySpan<byte> keyPem)
    {
        const string Expected = "expected a PEM client certificate and its PEM private key";
        try
        {
            return X509Certificate2.CreateFromPem(System.Text.Encoding.ASCII.GetString(certificatePem), System.Text.Encoding.ASCII.GetString(keyPem));
        }
        catch (CryptographicException e)
        {
            throw new EtcdStoreException($"the etcd client certificate or its key is not valid PEM, or they do not match: {e.Message.TrimEnd('.')}; {Expected}");
        }
        catch (ArgumentException e)
        {
            throw new EtcdStoreException($"the etcd client certificate or its key is not valid PEM: {e.Message.TrimEnd('.')}; {Expected}");
        }
    }

    private static bool ChainsTo(X509Certificate certificate, X509Certificate2Collection roots)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        var server = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(server);
    }
}
