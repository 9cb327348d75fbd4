using System.Text.Json;

namespace Recovery.LabTests.Recovery;

/// <summary>The Service `lab.sh break` creates unless told otherwise (the seed's default/nginx-service), and its keys in etcd.</summary>
public static class SeedService
{
    public const string Namespace = "default";
    public const string Name = "nginx-service";
    public const string SpecKey = $"/registry/services/specs/{Namespace}/{Name}";
    public const string EndpointsKey = $"/registry/services/endpoints/{Namespace}/{Name}";

    public static readonly string[] EtcdKeys = [SpecKey, EndpointsKey];

    /// <summary>
    /// The raw stored values of <see cref="EtcdKeys"/> (base64 as etcdctl prints them), null when a key is absent, read
    /// from node3's member. Retried: etcd on a loaded 2-core machine can overrun etcdctl's deadlines for a while.
    /// </summary>
    public static async Task<List<(string Key, string? Value)>> StoredValuesAsync(LabFixture lab)
    {
        var values = new List<(string, string?)>();
        foreach (var key in EtcdKeys)
        {
            var deadline = DateTime.UtcNow.AddMinutes(2);
            var get = await lab.BashAsync("node3", $"{ClusterSnapshot.EtcdCtl} --command-timeout=30s get {key} -w json");
            while (!get.Succeeded && DateTime.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromSeconds(2));
                get = await lab.BashAsync("node3", $"{ClusterSnapshot.EtcdCtl} --command-timeout=30s get {key} -w json");
            }
            using var json = JsonDocument.Parse(get.EnsureSuccess($"etcdctl get {key}").StdOut);
            values.Add((key, json.RootElement.TryGetProperty("kvs", out var kvs) ? kvs[0].GetProperty("value").GetString() : null));
        }
        return values;
    }
}
