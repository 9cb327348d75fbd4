using System.Net;
using System.Numerics;
using System.Text.Json.Nodes;

namespace Lab.StandIns.Tests.Lab;

/// <summary>The ClusterIP and nodePort bitmaps in etcd, and the repair loop that frees a leak.</summary>
public sealed class AllocatorBitmapTests(LabCluster lab) : IClassFixture<LabCluster>
{
    private const string NodePortService = """
        apiVersion: v1
        kind: Service
        metadata:
          name: NAME
        spec:
          type: NodePort
          selector:
            app: zgz
          ports:
          - port: 80
        """;

    /// <summary>Range and bitmap of /registry/ranges/NAME, read with the independent wire walker.</summary>
    private (string Range, BigInteger Bits) Bitmap(string name)
    {
        var r = lab.Etcdctl("get", $"/registry/ranges/{name}", "--print-value-only");
        Assert.Equal(0, r.Code);
        var value = r.Out[..^1];
        Assert.Equal("k8s\0"u8.ToArray(), value[..4]);
        Assert.Equal("RangeAllocation", Wire.One(Wire.One(value[4..], 1).Bytes!, 2).Text);
        var raw = Wire.One(value[4..], 2).Bytes!;
        Assert.Equal([1, 2, 3], Wire.Fields(raw).Select(f => f.Number));
        return (Wire.One(raw, 2).Text, new BigInteger(Wire.One(raw, 3).Bytes!, isUnsigned: true, isBigEndian: true));
    }

    private static int IpOffset(string ip)
    {
        var b = IPAddress.Parse(ip).GetAddressBytes();
        var n = (b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3];
        return n - ((10 << 24) | (96 << 16)) - 1; // bit 0 = 10.96.0.1
    }

    private static bool IsSet(BigInteger bits, int offset) => !(bits >> offset).IsEven;

    private (string Ip, int Port) Create(string name)
    {
        Assert.Equal(0, lab.KubeApply(NodePortService.Replace("NAME", name, StringComparison.Ordinal)).Code);
        var spec = JsonNode.Parse(lab.Kube("get", "svc", name, "-o", "json").Text)!["spec"]!;
        return (spec["clusterIP"]!.ToString(), spec["ports"]![0]!["nodePort"]!.GetValue<int>());
    }

    [SkippableFact]
    public void Create_marks_and_delete_frees_the_service_bits()
    {
        Skip.If(lab.Missing is not null, lab.Missing);
        var (ip, port) = Create("marked");
        var ips = Bitmap("serviceips");
        Assert.Equal("10.96.0.0/12", ips.Range);
        Assert.True(IsSet(ips.Bits, IpOffset(ip)), $"bit of {ip}");
        var ports = Bitmap("servicenodeports");
        Assert.Equal("30000-32767", ports.Range);
        Assert.True(IsSet(ports.Bits, port - 30000), $"bit of {port}");

        Assert.Equal(0, lab.Kube("delete", "svc", "marked").Code);
        Assert.False(IsSet(Bitmap("serviceips").Bits, IpOffset(ip)));
        Assert.False(IsSet(Bitmap("servicenodeports").Bits, port - 30000));
    }

    [SkippableFact]
    public void A_service_deleted_in_etcd_leaks_its_bits_until_the_third_repair_run()
    {
        Skip.If(lab.Missing is not null, lab.Missing);
        var (ip, port) = Create("leaky");
        Assert.Equal(0, lab.Etcdctl("del", "/registry/services/specs/default/leaky").Code);
        Run.Eventually(() => lab.ApiLog.Contains($"the cluster IP {ip} may have leaked", StringComparison.Ordinal), "leak flagged");
        Assert.True(IsSet(Bitmap("serviceips").Bits, IpOffset(ip)), "a leak is kept for two runs");
        Run.Eventually(() => !IsSet(Bitmap("serviceips").Bits, IpOffset(ip)) && !IsSet(Bitmap("servicenodeports").Bits, port - 30000),
            "leaked bits freed by the repair loop");
        Assert.Contains($"the cluster IP {ip} appears to have leaked: cleaning up", lab.ApiLog);
        Assert.Contains($"the node port {port} appears to have leaked: cleaning up", lab.ApiLog);
    }
}
