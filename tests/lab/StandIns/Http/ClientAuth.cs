using System.Security.Cryptography.X509Certificates;

namespace Lab.StandIns.Http;

/// <summary>
/// x509 client-certificate authentication: a certificate must chain to --client-ca-file (401 otherwise).
/// With --anonymous-auth (default true, as upstream) a request without a certificate is system:anonymous,
/// which may read only /healthz, /livez, /readyz and /version (403 for the rest).
/// </summary>
internal sealed class ClientAuth(X509Certificate2Collection? clientCa, bool anonymous)
{
    private static readonly string[] PublicPaths = ["/healthz", "/livez", "/readyz", "/version"];

    public (int Code, string Message)? Refusal(X509Certificate2? cert, string path)
    {
        if (cert is null)
        {
            if (!anonymous)
                return (401, "Unauthorized");
            return PublicPaths.Any(p => path == p || path.StartsWith(p + "/", StringComparison.Ordinal))
                ? null
                : (403, $"forbidden: User \"system:anonymous\" cannot access path \"{path}\"");
        }
        return clientCa is not null && Trusted(cert) ? null : (401, "Unauthorized");
    }

    private bool Trusted(X509Certificate2 cert)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(clientCa!);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(cert);
    }
}
