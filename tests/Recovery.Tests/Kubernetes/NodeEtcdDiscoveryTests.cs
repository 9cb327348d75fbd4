using System.Diagnostics;
using Recovery.Kubernetes.Discovery;
using Recovery.Kubernetes.Etcd;

namespace Recovery.Tests.Kubernetes;

/// <summary>
/// Discovery through a node shell, then a session to the real etcd with the certificate files read into memory:
/// a kubeadm manifest (the real one, with its paths pointed at this test's etcd) leads to a working EtcdStore.
/// </summary>
public sealed class NodeEtcdDiscoveryTests(EtcdFixture etcd) : IClassFixture<EtcdFixture>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kr-discovery-").FullName;
    private readonly string _processName = $"kr-apiserver-{Guid.NewGuid():N}";

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private DiscoveryLocations Locations(params string[] units) => new(
        $"^{_processName}( |$)",
        [Path.Combine(_dir, "absent.yaml"), Path.Combine(_dir, "kube-apiserver.yaml")],
        units.Length == 0 ? [Path.Combine(_dir, "kube-apiserver.service")] : units);

    /// <summary>The real kubeadm manifest, its etcd flags pointed at this test's etcd and certificates.</summary>
    private void WriteManifest()
    {
        var manifest = etcd.KubeadmManifest();
        File.WriteAllText(Path.Combine(_dir, "kube-apiserver.yaml"), manifest);
    }

    [Fact]
    public async Task AManifestLeadsToAWorkingStoreWithCertificatesReadIntoMemory()
    {
        WriteManifest();
        var shell = new LocalTestShell();
        etcd.Put("/registry/services/specs/default/discovered", K8sObjects.NginxService());

        var settings = await NodeEtcdDiscovery.DiscoverAsync(shell, Locations(), CancellationToken.None);
        await using var session = await EtcdSession.OpenAsync(shell, settings, CancellationToken.None);
        var health = await session.Store.CheckHealthAsync(CancellationToken.None);
        var scan = await session.Store.ScanServicesAsync(CancellationToken.None);

        Assert.Equal($"master1:{Path.Combine(_dir, "kube-apiserver.yaml")}", settings.Source);
        Assert.True(health.HasLeader);
        Assert.Contains(scan.Services, s => s.Key == "/registry/services/specs/default/discovered");
        Assert.Equal([etcd.File("ca.crt"), etcd.File("client.crt"), etcd.File("client.key")], shell.FilesRead);
        // The key is read through ReadFileAsync only, never through a command (argv or output).
        Assert.DoesNotContain(shell.Commands, c => c.Contains("client.key", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheRunningProcessWinsOverTheManifest()
    {
        WriteManifest();
        var start = new ProcessStartInfo("bash") { ArgumentList = { "-c", $"exec -a {_processName} bash -c 'sleep 600; true' x --etcd-servers=https://10.77.0.13:2379 --etcd-prefix=/running" } };
        using var process = Process.Start(start)!;
        try
        {
            // Waits for the process to show under its name (a loaded machine is slow); it lives until killed below.
            EtcdSettings? settings = null;
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (settings?.Prefix != "/running" && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
                settings = await NodeEtcdDiscovery.DiscoverAsync(new LocalTestShell(), Locations(), CancellationToken.None);
            }

            Assert.Equal("/running", settings!.Prefix);
            Assert.Equal([new Uri("https://10.77.0.13:2379")], settings.Endpoints);
            Assert.Equal($"master1:/proc/{process.Id}/cmdline", settings.Source);
        }
        finally
        {
            process.Kill();
            process.WaitForExit();
        }
    }

    [Fact]
    public async Task ASystemdUnitIsUsedWhenThereIsNoManifest()
    {
        var unit = Path.Combine(_dir, "kube-apiserver.service");
        File.Copy(Path.Combine(Fixtures.Directory("apiserver"), "kubeasz-kube-apiserver.service"), unit);

        var settings = await NodeEtcdDiscovery.DiscoverAsync(new LocalTestShell(), Locations(), CancellationToken.None);

        Assert.Equal(3, settings.Endpoints.Count);
        Assert.Equal($"master1:{unit}", settings.Source);
    }

    [Fact]
    public async Task NothingFoundSaysWhereItLookedAndWhatToPass()
    {
        var e = await Assert.ThrowsAsync<DiscoveryException>(() => NodeEtcdDiscovery.DiscoverAsync(new LocalTestShell(), Locations(), CancellationToken.None));

        Assert.Contains("no running kube-apiserver process", e.Message);
        Assert.Contains("absent.yaml: absent", e.Message);
        Assert.Contains("--etcd-endpoints", e.Message);
    }

    [Fact]
    public async Task AMissingCertificateFileIsNamedWithoutItsContent()
    {
        var settings = new EtcdSettings([etcd.Endpoint], etcd.File("ca.crt"), etcd.File("client.crt"), Path.Combine(_dir, "missing.key"), "/registry", "test");

        var e = await Assert.ThrowsAsync<EtcdStoreException>(() => EtcdSession.OpenAsync(new LocalTestShell(), settings, CancellationToken.None));

        Assert.Contains("client key master1:", e.Message);
        Assert.Contains("missing.key", e.Message);
    }
}
