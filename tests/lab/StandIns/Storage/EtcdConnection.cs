using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using dotnet_etcd;

namespace Lab.StandIns.Storage;

/// <summary>The kube-apiserver's etcd flags, and an mTLS client built from them.</summary>
internal sealed record EtcdConnection(IReadOnlyList<string> Servers, string? CaFile, string? CertFile, string? KeyFile)
{
    public EtcdClient Connect()
    {
        if (Servers.Count == 0)
            throw new ArgumentException("--etcd-servers is required (comma-separated https://HOST:PORT URLs)");
        var endpoints = string.Join(",", Servers);
        if (CertFile is null && CaFile is null)
            return new EtcdClient(endpoints);
        var ca = CaFile is null ? null : Pem.Bundle(CaFile);
        var client = CertFile is null || KeyFile is null ? null : X509Certificate2.CreateFromPemFile(CertFile, KeyFile);
        return new EtcdClient(endpoints, ssl =>
        {
            if (client is not null)
                ssl.ClientCertificates = [client];
            if (ca is not null)
                ssl.RemoteCertificateValidationCallback = (_, cert, _, errors) => cert is not null && TrustedBy(ca, new X509Certificate2(cert), errors);
        });
    }

    private static bool TrustedBy(X509Certificate2Collection ca, X509Certificate2 cert, SslPolicyErrors errors)
    {
        if ((errors & (SslPolicyErrors.RemoteCertificateNotAvailable | SslPolicyErrors.RemoteCertificateNameMismatch)) != 0)
        {
            Console.Error.WriteLine($"kube-apiserver: etcd certificate refused: {errors}");
            return false;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(cert);
    }
}
