using System.Text;
using Recovery.Kubernetes.Etcd;

namespace Recovery.Tests.Kubernetes;

/// <summary>A backup file may be edited, truncated or hostile: every problem is a clear error naming it.</summary>
public sealed class BackupFileTests
{
    private const string Valid = """
        {
          "apiVersion": "kube-recover/v1",
          "kind": "Backup",
          "action": "delete",
          "service": "default/nginx-service",
          "time": "2026-11-25T08:00:00+00:00",
          "toolVersion": "0.1.0",
          "prefix": "/registry",
          "clusterId": "cdf818194e3a8c32",
          "memberId": "8e9e05c52164694d",
          "keys": [
            { "key": "/registry/services/specs/default/nginx-service", "value": "azhzAA==", "createRevision": 5, "modRevision": 9 }
          ]
        }
        """;

    private static Backup Parse(string json) => BackupFile.Parse(Encoding.UTF8.GetBytes(json), "b.json", "/registry");

    [Fact]
    public void AValidBackupParses()
    {
        var backup = Parse(Valid);
        Assert.Equal("delete", backup.Action);
        Assert.Equal("k8s\0"u8.ToArray(), Convert.FromBase64String(backup.Keys[0].Value));
        Assert.Equal((5, 9), (backup.Keys[0].CreateRevision, backup.Keys[0].ModRevision));
    }

    [Theory]
    [InlineData("\"kube-recover/v1\"", "\"kube-recover/v2\"", "apiVersion is 'kube-recover/v2'")]
    [InlineData("\"kind\": \"Backup\"", "\"kind\": \"Plan\"", "kind is 'Plan'")]
    [InlineData("\"delete\"", "\"drop\"", "action is 'drop'")]
    [InlineData("/registry/services/specs/default/nginx-service", "/other/services/specs/default/nginx-service", "not under the etcd prefix")]
    [InlineData("/registry/services/specs/default/nginx-service", "/registry/../etc/x", "not under the etcd prefix")]
    [InlineData("azhzAA==", "not base64!", "not base64")]
    [InlineData("\"createRevision\": 5", "\"createRevision\": 0", "impossible revisions")]
    [InlineData("\"modRevision\": 9", "\"modRevision\": 2", "impossible revisions")]
    [InlineData("\"action\": \"delete\"", "\"action\": \"strip\"", "strippedValue")]
    [InlineData("\"clusterId\": \"cdf818194e3a8c32\"", "\"clusterId\": null", "clusterId")]
    [InlineData("\"clusterId\": \"cdf818194e3a8c32\"", "\"clusterId\": \"\"", "clusterId")]
    public void AWrongFieldIsNamed(string from, string to, string expected)
    {
        var e = Assert.Throws<EtcdStoreException>(() => Parse(Valid.Replace(from, to, StringComparison.Ordinal)));
        Assert.Contains(expected, e.Message);
        Assert.StartsWith("b.json", e.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("{\"apiVersion\": \"kube-recover/v1\"}")]
    [InlineData("{\"keys\": 5}")]
    public void NotABackupAtAll(string json)
    {
        Assert.Throws<EtcdStoreException>(() => Parse(json));
    }

    [Fact]
    public void TruncationsAndRandomEditsAlwaysGiveTheTypedError()
    {
        var random = new Random(5);
        for (var n = 0; n < Valid.Length; n++)
        {
            try
            {
                Parse(Valid[..n]);
            }
            catch (EtcdStoreException)
            {
            }
        }

        for (var i = 0; i < 2000; i++)
        {
            var chars = Valid.ToCharArray();
            chars[random.Next(chars.Length)] = (char)random.Next(32, 127);
            try
            {
                Parse(new string(chars));
            }
            catch (EtcdStoreException)
            {
            }
        }
    }

    [Fact]
    public void DuplicateKeysAndTooManyKeysAreRefused()
    {
        var key = """{ "key": "/registry/endpointslices/default/a", "value": "", "createRevision": 1, "modRevision": 1 }""";
        var twice = Valid.Replace("""{ "key": "/registry/services/specs/default/nginx-service", "value": "azhzAA==", "createRevision": 5, "modRevision": 9 }""", $"{key},{key}", StringComparison.Ordinal);
        Assert.Contains("appears twice", Assert.Throws<EtcdStoreException>(() => Parse(twice)).Message);
        var many = string.Join(",", Enumerable.Range(0, BackupFile.MaxKeys + 1).Select(i => key.Replace("/default/a", $"/default/a{i}", StringComparison.Ordinal)));
        var tooMany = Valid.Replace("""{ "key": "/registry/services/specs/default/nginx-service", "value": "azhzAA==", "createRevision": 5, "modRevision": 9 }""", many, StringComparison.Ordinal);
        Assert.Contains("keys", Assert.Throws<EtcdStoreException>(() => Parse(tooMany)).Message);
    }

    [Fact]
    public async Task AMissingFileIsAClearError()
    {
        var e = await Assert.ThrowsAsync<EtcdStoreException>(() => BackupFile.ReadAsync("/nonexistent/backup.json", "/registry", CancellationToken.None));
        Assert.Contains("does not exist", e.Message);
    }
}
