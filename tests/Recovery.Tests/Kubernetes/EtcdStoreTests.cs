using System.Net;
using Recovery.Kubernetes;
using Recovery.Kubernetes.Etcd;
using Recovery.Kubernetes.Storage;

namespace Recovery.Tests.Kubernetes;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
/// <summary>EtcdStore against a real etcd 3.4 with mTLS. Each test uses its own key prefix, so they do not interfere.</summary>
public sealed class EtcdStoreTests(EtcdFixture etcd) : IClassFixture<EtcdFixture>, IDisposable
{
    private static readonly ServiceRef Nginx = new("default", "nginx-service");
    private static readonly IPAddress Hijacked = IPAddress.Parse("10.77.0.11");
    private readonly string _state = Directory.CreateTempSubdirectory("kr-state-").FullName;

    public void Dispose() => Directory.Delete(_state, recursive: true);

    /// <summary>The seed's objects plus distractors; returns every key put, with its bytes.</summary>
    private Dictionary<string, byte[]> Seed(string prefix)
    {
        var other = Guid.NewGuid().ToString();
        var values = new Dictionary<string, byte[]>
        {
            [$"{prefix}/services/specs/default/nginx-service"] = K8sObjects.NginxService(),
            [$"{prefix}/services/endpoints/default/nginx-service"] = K8sObjects.Endpoints("default", "nginx-service"),
            [$"{prefix}/endpointslices/default/nginx-service-abcde"] = K8sObjects.EndpointSlice("default", "nginx-service-abcde", "nginx-service", K8sObjects.NginxUid),
            // Same label, another owner (e.g. left by a Service of the same name deleted earlier): not ours to delete.
            [$"{prefix}/endpointslices/default/nginx-service-stale"] = K8sObjects.EndpointSlice("default", "nginx-service-stale", "nginx-service", Guid.NewGuid().ToString()),
            [$"{prefix}/services/specs/default/other"] = K8sObjects.Service("default", "other", other, "10.96.0.20", []),
            [$"{prefix}/services/endpoints/default/other"] = K8sObjects.Endpoints("default", "other"),
            [$"{prefix}/endpointslices/default/other-xyz12"] = K8sObjects.EndpointSlice("default", "other-xyz12", "other", other),
            [$"{prefix}/services/specs/kube-system/kube-dns"] = K8sObjects.Service("kube-system", "kube-dns", Guid.NewGuid().ToString(), "10.96.0.10", []),
            [$"{prefix}/minions/master1"] = K8sObjects.Node("master1", "10.77.0.11"),
            [$"{prefix}/minions/master2"] = K8sObjects.Node("master2", "10.77.0.13"),
        };
        foreach (var (k, v) in values) etcd.Put(k, v);
        return values;
    }

    private EtcdStore Store(string prefix) => EtcdStore.Connect(etcd.Connection(prefix));

    private FixRequest Request => new(_state, "0.1.0-test");

    [Fact]
    public async Task HealthReportsTheLeaderAndTheIdsEtcdctlReports()
    {
        using var store = Store("/registry");
        var health = await store.CheckHealthAsync(CancellationToken.None);

        var status = System.Text.Json.JsonDocument.Parse(etcd.Etcdctl("endpoint", "status", "-w", "json")).RootElement[0].GetProperty("Status");
        var header = status.GetProperty("header");
        Assert.True(health.HasLeader);
        var endpoint = Assert.Single(health.Endpoints);
        Assert.True(endpoint.IsLeader);
        Assert.Equal(header.GetProperty("cluster_id").GetUInt64(), endpoint.ClusterId);
        Assert.Equal(header.GetProperty("member_id").GetUInt64(), endpoint.MemberId);
        Assert.Equal(header.GetProperty("cluster_id").GetUInt64().ToString("x"), health.ClusterId);
        Assert.StartsWith("3.4", endpoint.Version);
    }

    [Fact]
    public async Task AnUnreachableEndpointIsReportedAndWritesAreRefused()
    {
        var dead = new EtcdConnection([new Uri("https://127.0.0.1:1")], etcd.Credentials, "/kr-dead") { CallTimeout = TimeSpan.FromSeconds(5) };
        using var store = EtcdStore.Connect(dead);

        var health = await store.CheckHealthAsync(CancellationToken.None);
        Assert.False(health.HasLeader);
        Assert.NotNull(Assert.Single(health.Endpoints).Error);
        var e = await Assert.ThrowsAsync<EtcdStoreException>(() => store.RequireLeaderAsync(CancellationToken.None));
        Assert.Contains("no leader", e.Message);
    }

    [Fact]
    public async Task ADeadMemberAmongTheEndpointsIsReportedAndTheLiveOneServes()
    {
        Seed("/kr-multi");
        var both = new EtcdConnection([new Uri("https://127.0.0.1:1"), etcd.Endpoint], etcd.Credentials, "/kr-multi") { CallTimeout = TimeSpan.FromSeconds(10) };
        using var store = EtcdStore.Connect(both);

        var health = await store.RequireLeaderAsync(CancellationToken.None);
        var scan = await store.ScanServicesAsync(CancellationToken.None);

        Assert.False(health.Endpoints[0].Healthy);
        Assert.True(health.Endpoints[1].IsLeader);
        Assert.Single(scan.Claiming(Hijacked));
    }

    [Fact]
    public async Task AServerCertificateFromAnotherCaIsRejected()
    {
        using var other = new EtcdFixture();
        var mixed = new EtcdConnection([etcd.Endpoint], other.Credentials with { }, "/kr-ca") { CallTimeout = TimeSpan.FromSeconds(10) };
        using var store = EtcdStore.Connect(mixed);

        var health = await store.CheckHealthAsync(CancellationToken.None);

        Assert.False(health.HasLeader);
    }

    [Fact]
    public async Task ScanPagesThroughEveryServiceAndFindsTheOffender()
    {
        Seed("/kr-scan");
        etcd.Put("/kr-scan/services/specs/secret/encrypted", "k8s:enc:aescbc:v1:key1:\u0001\u0002"u8.ToArray());
        using var store = Store("/kr-scan");

        var scan = await store.ScanServicesAsync(new ScanPaging(KeysPerPage: 2, ValuesPerBatch: 2), CancellationToken.None);

        Assert.Equal(
            ["/kr-scan/services/specs/default/nginx-service", "/kr-scan/services/specs/default/other", "/kr-scan/services/specs/kube-system/kube-dns", "/kr-scan/services/specs/secret/encrypted"],
            scan.Services.Select(s => s.Key).ToList());
        var offender = Assert.Single(scan.Claiming(Hijacked));
        Assert.Equal(("default", "nginx-service"), (offender.Service!.Namespace, offender.Service.Name));
        Assert.Equal(etcd.Get(offender.Key)!.Value.ModRevision, offender.ModRevision);
        var unreadable = Assert.Single(scan.Unreadable);
        Assert.Contains("aescbc", unreadable.Problem);
    }

    [Fact]
    public async Task AnEncryptedServiceIsReportedNotTouched()
    {
        etcd.Put("/kr-enc/services/specs/default/nginx-service", "k8s:enc:kms:v2:vault:\u0001\u0002"u8.ToArray());
        using var store = Store("/kr-enc");

        var e = await Assert.ThrowsAsync<EtcdStoreException>(() => store.FindServiceAsync(Nginx, CancellationToken.None));

        Assert.Contains("encrypted", e.Message);
        Assert.Contains("kms:v2:vault", e.Message);
    }

    [Fact]
    public async Task FindsTheServiceItsEndpointsAndOnlyTheSlicesItOwns()
    {
        Seed("/kr-find");
        using var store = Store("/kr-find");

        var found = await store.FindServiceAsync(Nginx, CancellationToken.None);

        Assert.NotNull(found);
        Assert.Equal("/kr-find/services/endpoints/default/nginx-service", found.EndpointsKey!.Key);
        Assert.Equal(["/kr-find/endpointslices/default/nginx-service-abcde"], found.EndpointSliceKeys.Select(k => k.Key));
        Assert.Null(await store.FindServiceAsync(new ServiceRef("default", "absent"), CancellationToken.None));
    }

    [Fact]
    public async Task DeleteWritesTheBackupThenRemovesExactlyThoseKeysAndRestorePutsBackTheSameBytes()
    {
        var values = Seed("/registry");
        using var store = Store("/registry");
        var target = (await store.FindServiceAsync(Nginx, CancellationToken.None))!;
        string[] deleted = ["/registry/services/specs/default/nginx-service", "/registry/services/endpoints/default/nginx-service", "/registry/endpointslices/default/nginx-service-abcde"];
        var revisions = deleted.ToDictionary(k => k, k => etcd.Get(k)!.Value);

        var outcome = await store.DeleteServiceAsync(target, Request, CancellationToken.None);

        Assert.Equal(deleted, outcome.Keys);
        Assert.Equal(values.Keys.Except(deleted).Order(StringComparer.Ordinal), etcd.Keys("/registry/").Order(StringComparer.Ordinal));
        // The backup: 0600, every key with its exact bytes and the revisions etcd had.
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(outcome.BackupPath!));
        var backup = BackupFile.Parse(File.ReadAllBytes(outcome.BackupPath!), "test", "/registry");
        Assert.Equal(("delete", "default/nginx-service", "kube-recover/v1", "Backup"), (backup.Action, backup.Service, backup.ApiVersion, backup.Kind));
        Assert.Equal((await store.CheckHealthAsync(CancellationToken.None)).ClusterId, backup.ClusterId);
        foreach (var key in backup.Keys)
        {
            Assert.Equal(values[key.Key], Convert.FromBase64String(key.Value));
            Assert.Equal(revisions[key.Key].ModRevision, key.ModRevision);
            Assert.Equal(revisions[key.Key].CreateRevision, key.CreateRevision);
        }

        var restored = await store.RestoreAsync(outcome.BackupPath!, force: false, CancellationToken.None);

        Assert.Equal(deleted, restored.Keys);
        foreach (var key in deleted) Assert.Equal(values[key], etcd.Get(key)!.Value.Value);

        // Restoring again would overwrite keys that exist again: refused, nothing written.
        var before = etcd.Get(deleted[0])!.Value.ModRevision;
        var again = await Assert.ThrowsAsync<EtcdConflictException>(() => store.RestoreAsync(outcome.BackupPath!, force: false, CancellationToken.None));
        Assert.Equal(deleted, again.Keys.Select(k => k.Key));
        Assert.Contains("exists", again.Message);
        Assert.Equal(before, etcd.Get(deleted[0])!.Value.ModRevision);

        // force skips the guard.
        var forced = await store.RestoreAsync(outcome.BackupPath!, force: true, CancellationToken.None);
        Assert.True(forced.Forced);
        Assert.Equal(values[deleted[0]], etcd.Get(deleted[0])!.Value.Value);
    }

    [Fact]
    public async Task NoBackupNoWrite()
    {
        Seed("/kr-nobackup");
        using var store = Store("/kr-nobackup");
        var target = (await store.FindServiceAsync(Nginx, CancellationToken.None))!;
        var notADirectory = Path.Combine(_state, "file");
        File.WriteAllText(notADirectory, "x");

        var e = await Assert.ThrowsAsync<EtcdStoreException>(() => store.DeleteServiceAsync(target, new FixRequest(notADirectory, "t"), CancellationToken.None));

        Assert.Contains("cannot write the backup", e.Message);
        Assert.Contains("nothing was changed", e.Message);
        Assert.Equal(target.ServiceKey.Value, etcd.Get(target.ServiceKey.Key)!.Value.Value);
        Assert.NotNull(etcd.Get("/kr-nobackup/services/endpoints/default/nginx-service"));
    }

    [Fact]
    public async Task StripKeepsTheServiceWithoutTheAddressAndRestoreUndoesIt()
    {
        var values = Seed("/kr-strip");
        using var store = Store("/kr-strip");
        var target = (await store.FindServiceAsync(Nginx, CancellationToken.None))!;
        var key = target.ServiceKey.Key;

        var outcome = await store.StripServiceAsync(target, [Hijacked], Request, CancellationToken.None);

        var now = etcd.Get(key)!.Value;
        var service = StorageCodec.ReadService(now.Value);
        Assert.Empty(service.ExternalIPs);
        Assert.Equal(("nginx-service", K8sObjects.NginxUid, "10.96.120.7"), (service.Name, service.Uid, service.ClusterIP));
        Assert.Equal(K8sObjects.Service("default", "nginx-service", K8sObjects.NginxUid, "10.96.120.7", []), now.Value);
        Assert.Equal(outcome.Revision, now.ModRevision);
        Assert.Equal(values.Keys.Order(StringComparer.Ordinal), etcd.Keys("/kr-strip/").Order(StringComparer.Ordinal));
        var backup = BackupFile.Parse(File.ReadAllBytes(outcome.BackupPath!), "test", "/kr-strip");
        Assert.Equal(now.ModRevision, backup.WrittenModRevision);
        Assert.Equal(["10.77.0.11"], backup.RemovedAddresses);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(outcome.BackupPath!));

        // Nothing left to strip: no write, no backup.
        var second = await store.StripServiceAsync((await store.FindServiceAsync(Nginx, CancellationToken.None))!, [Hijacked], Request, CancellationToken.None);
        Assert.False(second.Changed);
        Assert.Equal(now.ModRevision, etcd.Get(key)!.Value.ModRevision);

        await store.RestoreAsync(outcome.BackupPath!, force: false, CancellationToken.None);
        Assert.Equal(values[key], etcd.Get(key)!.Value.Value);

        // The Service is no longer the tool's write: a second restore is refused.
        var e = await Assert.ThrowsAsync<EtcdConflictException>(() => store.RestoreAsync(outcome.BackupPath!, force: false, CancellationToken.None));
        Assert.Equal(key, Assert.Single(e.Keys).Key);
    }

    [Fact]
    public async Task AChangeBetweenReadAndWriteAbortsTheDeleteWithNothingWritten()
    {
        var values = Seed("/kr-race");
        using var store = Store("/kr-race");
        var target = (await store.FindServiceAsync(Nginx, CancellationToken.None))!;
        var endpoints = "/kr-race/services/endpoints/default/nginx-service";
        var changed = K8sObjects.Endpoints("default", "nginx-service");
        var revision = etcd.Put(endpoints, changed); // the endpoints controller writes after our read

        var e = await Assert.ThrowsAsync<EtcdConflictException>(() => store.DeleteServiceAsync(target, Request, CancellationToken.None));

        var conflict = Assert.Single(e.Keys);
        Assert.Equal(endpoints, conflict.Key);
        Assert.Contains($"mod revision {revision}", conflict.Found);
        Assert.Equal(values.Keys.Order(StringComparer.Ordinal), etcd.Keys("/kr-race/").Order(StringComparer.Ordinal));
        Assert.Equal(values[target.ServiceKey.Key], etcd.Get(target.ServiceKey.Key)!.Value.Value);
    }

    [Fact]
    public async Task AChangeBetweenReadAndWriteAbortsTheStrip()
    {
        Seed("/kr-race2");
        using var store = Store("/kr-race2");
        var target = (await store.FindServiceAsync(Nginx, CancellationToken.None))!;
        var edited = K8sObjects.NginxService("10.77.0.11", "192.0.2.9");
        etcd.Put(target.ServiceKey.Key, edited);

        var e = await Assert.ThrowsAsync<EtcdConflictException>(() => store.StripServiceAsync(target, [Hijacked], Request, CancellationToken.None));

        Assert.Equal(target.ServiceKey.Key, Assert.Single(e.Keys).Key);
        Assert.Equal(edited, etcd.Get(target.ServiceKey.Key)!.Value.Value);
    }

    [Fact]
    public async Task SnapshotIsWrittenOwnerOnlyAndEtcdctlReadsIt()
    {
        using var store = Store("/registry");
        var path = Path.Combine(_state, "etcd.snapshot");

        var bytes = await store.SnapshotAsync(path, CancellationToken.None);

        Assert.Equal(new FileInfo(path).Length, bytes);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Contains("\"totalKey\"", etcd.Etcdctl("snapshot", "status", path, "-w", "json"));
        await Assert.ThrowsAsync<EtcdStoreException>(() => store.SnapshotAsync(path, CancellationToken.None)); // never overwrites
    }
}
