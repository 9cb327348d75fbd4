using Recovery.Tests.Kubernetes;

namespace Recovery.Tests.Cli;

/// <summary>`kube-recover restore` through the real entry point against a real etcd: what it refuses, and how.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class RestoreCliTests(EtcdFixture etcd) : IClassFixture<EtcdFixture>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kr-restore-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task ABackupFromAnotherEtcdClusterIsBadInputAndNothingIsWritten()
    {
        const string key = "/kr-cli-cluster/services/specs/default/nginx-service";
        var backup = Path.Combine(_dir, "backup.json");
        File.WriteAllText(backup, $$"""
            {"apiVersion":"kube-recover/v1","kind":"Backup","action":"delete","service":"default/nginx-service","time":"2026-11-25T09:00:00Z",
             "toolVersion":"0.1.0","prefix":"/kr-cli-cluster","clusterId":"1","memberId":"2",
             "keys":[{"key":"{{key}}","value":"{{Convert.ToBase64String(K8sObjects.NginxService())}}","createRevision":5,"modRevision":6}]}
            """);

        var run = await CliRun.AssertRefusedAsync("cluster 1", "restore", "--backup", backup, "--etcd-prefix", "/kr-cli-cluster",
            "--etcd-endpoints", etcd.Endpoint.ToString().TrimEnd('/'), "--etcd-cacert", etcd.File("ca.crt"), "--etcd-cert", etcd.File("client.crt"),
            "--etcd-key", etcd.File("client.key"), "--yes");

        Assert.Null(etcd.Get(key));
        Assert.DoesNotContain("BEGIN", run.Err + run.Out);
    }
}
