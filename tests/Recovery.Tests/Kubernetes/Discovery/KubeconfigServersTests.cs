using System.Net;
using Recovery.Kubernetes.Discovery;

namespace Recovery.Tests.Kubernetes.Discovery;

public sealed class KubeconfigServersTests
{
    [Fact]
    public void EveryClustersServerAddressIsProtectedHostNamesAreNamedLoopbackIsNot()
    {
        const string kubeconfig = """
            apiVersion: v1
            kind: Config
            clusters:
            - cluster:
                certificate-authority-data: AAAA
                server: https://10.0.0.200:6443
              name: vip
            - cluster:
                server: https://[fd00::200]:6443
              name: v6
            - cluster:
                server: https://lb.example.com:6443
              name: dns
            - cluster:
                server: https://127.0.0.1:6443
              name: local
            current-context: vip
            """;

        var (addresses, notes) = KubeconfigServers.Read(kubeconfig, "/etc/kubernetes/admin.conf");

        Assert.Equal(new[] { "10.0.0.200", "fd00::200" }.Select(IPAddress.Parse), addresses);
        Assert.Equal(["/etc/kubernetes/admin.conf: server https://lb.example.com:6443 is not an IP address, not protected (give --protect IP for its address)"], notes);
    }

    [Theory]
    [InlineData("just: [text", "not valid YAML")]
    [InlineData("apiVersion: v1\nkind: Config\n", "no clusters[].cluster.server (not a kubeconfig)")]
    public void NotAKubeconfigIsANoteNotAFailure(string text, string expected)
    {
        var (addresses, notes) = KubeconfigServers.Read(text, "/root/.kube/config");

        Assert.Empty(addresses);
        Assert.Contains(expected, Assert.Single(notes));
    }
}
