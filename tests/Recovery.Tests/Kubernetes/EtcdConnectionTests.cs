using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Recovery.Kubernetes.Etcd;

namespace Recovery.Tests.Kubernetes;

/// <summary>Bad connection settings are refused before any traffic, with a message that never includes key material.</summary>
public sealed class EtcdConnectionTests
{
    private static (string Cert, string Key) SelfSigned(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return (cert.ExportCertificatePem(), key.ExportECPrivateKeyPem());
    }

    private static EtcdCredentials Credentials(string ca, string cert, string key) =>
        new(Encoding.ASCII.GetBytes(ca), Encoding.ASCII.GetBytes(cert), Encoding.ASCII.GetBytes(key));

    [Fact]
    public void ACertificateWithAnotherCertificatesKeyIsRefusedWithoutPrintingTheKey()
    {
        var a = SelfSigned("a");
        var b = SelfSigned("b");

        var e = Assert.Throws<EtcdStoreException>(() => EtcdStore.Connect(new EtcdConnection([new Uri("https://127.0.0.1:2379")], Credentials(a.Cert, a.Cert, b.Key))));

        Assert.Contains("client certificate or its key", e.Message);
        Assert.DoesNotContain("PRIVATE KEY", e.Message);
        Assert.DoesNotContain(b.Key.Split('\n')[1], e.Message);
    }

    [Fact]
    public void GarbageAsCaIsRefused()
    {
        var a = SelfSigned("a");
        var e = Assert.Throws<EtcdStoreException>(() => EtcdStore.Connect(new EtcdConnection([new Uri("https://127.0.0.1:2379")], Credentials("not a certificate", a.Cert, a.Key))));
        Assert.Contains("CA", e.Message);
    }

    [Theory]
    [InlineData("ftp://127.0.0.1:2379", "/registry", "is not an http(s)://HOST:PORT")]
    [InlineData("https://127.0.0.1:2379", "registry", "must start with '/'")]
    public void BadEndpointsAndPrefixesAreRefused(string endpoint, string prefix, string expected)
    {
        var a = SelfSigned("a");
        var e = Assert.Throws<EtcdStoreException>(() => EtcdStore.Connect(new EtcdConnection([new Uri(endpoint)], Credentials(a.Cert, a.Cert, a.Key), prefix)));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void HttpsWithoutCredentialsOrNoEndpointAtAllIsRefused()
    {
        Assert.Contains("--etcd-cacert", Assert.Throws<EtcdStoreException>(() => EtcdStore.Connect(new EtcdConnection([new Uri("https://127.0.0.1:2379")], null))).Message);
        Assert.Contains("no etcd endpoint", Assert.Throws<EtcdStoreException>(() => EtcdStore.Connect(new EtcdConnection([], null))).Message);
    }

    [Fact]
    public void CredentialsNeverPrintTheirKey()
    {
        var a = SelfSigned("a");
        var text = Credentials(a.Cert, a.Cert, a.Key).ToString();
        Assert.DoesNotContain("PRIVATE", text);
        Assert.Contains("key redacted", text);
    }
}
