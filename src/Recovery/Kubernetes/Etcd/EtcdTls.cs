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
        X509Certificate2 client;
        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPem(System.Text.Encoding.ASCII.GetString(credentials.CaPem.Span));
        }
        catch (CryptographicException e)
        {
            throw new EtcdStoreException($"the etcd CA certificate is not valid PEM: {e.Message}");
        }

        if (roots.Count == 0) throw new EtcdStoreException("the etcd CA file holds no certificate (expected PEM 'BEGIN CERTIFICATE')");
        try
        {
            client = X509Certificate2.CreateFromPem(
                System.Text.Encoding.ASCII.GetString(credentials.CertificatePem.Span),
                System.Text.Encoding.ASCII.GetString(credentials.KeyPem.Span));
        }
        catch (CryptographicException e)
        {
            throw new EtcdStoreException($"the etcd client certificate or its key is not valid PEM, or they do not match: {e.Message}");
        }
        catch (ArgumentException e)
        {
            throw new EtcdStoreException($"the etcd client certificate or its key is not valid PEM: {e.Message}");
        }

        return options =>
        {
            options.ClientCertificates = [client];
            options.RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null && ChainsTo(certificate, roots);
        };
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
