using System.Diagnostics;
using Recovery.Kubernetes.Discovery;

namespace Recovery.Tests.Kubernetes;

/// <summary>Finding etcd's address and client certificate from kube-apiserver's own flags, on real definitions.</summary>
public sealed class EtcdDiscoveryTests
{
    private static string Fixture(string name) => File.ReadAllText(Path.Combine(Fixtures.Directory("apiserver"), name));

    [Fact]
    public void ReadsAKubeadmStaticPodManifest()
    {
        var settings = StaticPodManifest.Read(Fixture("kubeadm-kube-apiserver.yaml"), "kube-apiserver.yaml");

        Assert.Equal([new Uri("https://127.0.0.1:2379")], settings.Endpoints);
        Assert.Equal("/etc/kubernetes/pki/etcd/ca.crt", settings.CaFile);
        Assert.Equal("/etc/kubernetes/pki/apiserver-etcd-client.crt", settings.CertificateFile);
        Assert.Equal("/etc/kubernetes/pki/apiserver-etcd-client.key", settings.KeyFile);
        Assert.Equal("/registry", settings.Prefix);
        Assert.True(settings.HasClientCertificate);
        Assert.Equal("kube-apiserver.yaml", settings.Source);
        Assert.Equal("10.1.125.3", settings.AdvertiseAddress);
    }

    [Fact]
    public void ReadsAKubeaszSystemdUnitWithCommentedFlagsInsideTheContinuation()
    {
        var settings = SystemdUnit.Read(Fixture("kubeasz-kube-apiserver.service"), "kube-apiserver.service");

        Assert.Equal(["https://192.168.166.192:2379/", "https://192.168.166.15:2379/", "https://192.168.166.82:2379/"], settings.Endpoints.Select(u => u.ToString()));
        Assert.Equal("/etc/kubernetes/ssl/ca.pem", settings.CaFile);
        Assert.Equal("/etc/kubernetes/ssl/kubernetes.pem", settings.CertificateFile);
        Assert.Equal("/etc/kubernetes/ssl/kubernetes-key.pem", settings.KeyFile);
        Assert.Equal("/registry", settings.Prefix);
        Assert.Equal("192.168.166.170", settings.AdvertiseAddress);
    }

    [Fact]
    public void SystemdQuotingSpaceSeparatedValuesPrefixAndTheLastExecStart()
    {
        var unit = """
            [Unit]
            Description=x
            ExecStart=/bin/false --etcd-servers=https://wrong:2379
            [Service]
            ExecStart=/usr/bin/kube-apiserver --etcd-servers=https://10.0.0.1:2379
            ExecStart=
            ExecStart=-/usr/local/bin/kube-apiserver \
              --etcd-servers "https://10.0.0.1:2379,https://10.0.0.2:2379" \
              ; a comment
              --etcd-prefix=/prod/registry \
              '--etcd-cafile=/etc/etcd/ssl/ca with space.pem' \
              --etcd-certfile /etc/etcd/ssl/client.pem --etcd-keyfile=/etc/etcd/ssl/client-key.pem
            """;

        var settings = SystemdUnit.Read(unit, "unit");

        Assert.Equal(2, settings.Endpoints.Count);
        Assert.Equal("/prod/registry", settings.Prefix);
        Assert.Equal("/etc/etcd/ssl/ca with space.pem", settings.CaFile);
        Assert.Equal("/etc/etcd/ssl/client.pem", settings.CertificateFile);
    }

    [Fact]
    public void ReadsARunningProcessCommandLineFromProc()
    {
        // A real process whose argv[0] is kube-apiserver and whose arguments are the flags, read from /proc.
        var start = new ProcessStartInfo("bash") { ArgumentList = { "-c", "exec -a kube-apiserver bash -c 'sleep 30; true' apiserver --etcd-servers=https://10.77.0.11:2379 --etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt --etcd-prefix=/k3s" } };
        using var process = Process.Start(start)!;
        try
        {
            byte[] cmdline = [];
            for (var i = 0; i < 100 && !System.Text.Encoding.UTF8.GetString(cmdline).StartsWith("kube-apiserver", StringComparison.Ordinal); i++)
            {
                Thread.Sleep(50);
                cmdline = File.ReadAllBytes($"/proc/{process.Id}/cmdline"); // bash replaces itself (exec) with argv[0] kube-apiserver
            }

            var settings = ProcessCommandLine.Read(cmdline, $"/proc/{process.Id}/cmdline");

            Assert.Equal([new Uri("https://10.77.0.11:2379")], settings.Endpoints);
            Assert.Equal("/etc/kubernetes/pki/etcd/ca.crt", settings.CaFile);
            Assert.Null(settings.KeyFile);
            Assert.False(settings.HasClientCertificate);
            Assert.Equal("/k3s", settings.Prefix);
        }
        finally
        {
            process.Kill();
            process.WaitForExit();
        }
    }

    [Theory]
    [InlineData("--etcd-servers-overrides=/events#https://e:2379", "no --etcd-servers")]
    [InlineData("--etcd-servers=unix:///run/etcd.sock", "not an http(s)")]
    [InlineData("--etcd-servers=${ETCD_SERVERS}", "environment variable")]
    [InlineData("--etcd-servers", "has no value")]
    [InlineData("--etcd-servers=https://a:2379 --etcd-prefix=registry", "does not start with '/'")]
    public void BadFlagsGiveAClearError(string flags, string expected)
    {
        var e = Assert.Throws<DiscoveryException>(() => ApiServerFlags.FromArguments(["kube-apiserver", .. flags.Split(' ')], "test"));
        Assert.Contains(expected, e.Message);
        Assert.StartsWith("test: ", e.Message);
    }

    [Theory]
    [InlineData("not: [valid")]
    [InlineData("- a\n- b")]
    [InlineData("apiVersion: v1\nkind: Pod\nspec: {}")]
    public void ManifestsThatAreNotAnApiServerPodAreRefused(string yaml)
    {
        Assert.Throws<DiscoveryException>(() => StaticPodManifest.Read(yaml, "m.yaml"));
    }

    [Fact]
    public void UnitsWithoutExecStartOrWithBadQuotingAreRefused()
    {
        Assert.Contains("no ExecStart", Assert.Throws<DiscoveryException>(() => SystemdUnit.Read("[Service]\nType=notify\n", "u")).Message);
        Assert.Contains("unterminated", Assert.Throws<DiscoveryException>(() => SystemdUnit.Read("[Service]\nExecStart=/k \"--etcd-servers=https://a:1\n", "u")).Message);
        Assert.Contains("empty", Assert.Throws<DiscoveryException>(() => ProcessCommandLine.Read([], "p")).Message);
    }
}
