using System.Net;
using Recovery.Kubernetes.Storage;

namespace Recovery.Tests.Kubernetes;

/// <summary>
/// Strip at the wire level. The expected bytes come from the independent encoder (<see cref="Proto"/>) building the
/// same Service without the removed entries: equal bytes prove that every other byte and unknown field survived.
/// </summary>
public sealed class ServiceStripTests
{
    private static readonly IPAddress Hijacked = IPAddress.Parse("10.77.0.11");

    [Fact]
    public void RemovesTheSeedsExternalIPAndKeepsEverythingElseByteForByte()
    {
        var before = K8sObjects.Service("default", "nginx-service", K8sObjects.NginxUid, "10.96.120.7", ["10.77.0.11"]);
        var expected = K8sObjects.Service("default", "nginx-service", K8sObjects.NginxUid, "10.96.120.7", []);

        var result = StorageCodec.Strip(before, [Hijacked]);

        Assert.Equal(expected, result.Value);
        Assert.True(result.Changed);
        Assert.Equal(["10.77.0.11"], result.RemovedExternalIPs);
        Assert.Empty(StorageCodec.ReadService(result.Value).ExternalIPs);
    }

    [Fact]
    public void KeepsOtherExternalIPsInOrder()
    {
        var before = K8sObjects.Service("prod", "web", "u-2", "10.96.0.9", ["192.0.2.1", "10.77.0.11", "192.0.2.2", "10.77.0.11"]);
        var expected = K8sObjects.Service("prod", "web", "u-2", "10.96.0.9", ["192.0.2.1", "192.0.2.2"]);

        var result = StorageCodec.Strip(before, [Hijacked]);

        Assert.Equal(expected, result.Value);
        Assert.Equal(["10.77.0.11", "10.77.0.11"], result.RemovedExternalIPs);
    }

    [Fact]
    public void RemovesMatchingLoadBalancerIngressEntries()
    {
        var before = K8sObjects.Service("metallb", "lb", "u-3", "10.96.0.10", [], ["10.77.0.13", "198.51.100.7"], "LoadBalancer");
        var expected = K8sObjects.Service("metallb", "lb", "u-3", "10.96.0.10", [], ["198.51.100.7"], "LoadBalancer");

        var result = StorageCodec.Strip(before, [IPAddress.Parse("10.77.0.13")]);

        Assert.Equal(expected, result.Value);
        Assert.Equal(["10.77.0.13"], result.RemovedIngressIPs);
        Assert.Empty(result.RemovedExternalIPs);
    }

    [Fact]
    public void RemovesBothKindsAtOnceAndLeavesAnEmptyLoadBalancer()
    {
        var before = K8sObjects.Service("default", "both", "u-4", "10.96.0.11", ["10.77.0.11", "10.77.0.12"], ["10.77.0.12"], "LoadBalancer");
        var expected = K8sObjects.Service("default", "both", "u-4", "10.96.0.11", [], [], "LoadBalancer");

        var result = StorageCodec.Strip(before, [Hijacked, IPAddress.Parse("10.77.0.12")]);

        Assert.Equal(expected, result.Value);
        Assert.Equal(["10.77.0.11", "10.77.0.12"], result.RemovedExternalIPs);
        Assert.Equal(["10.77.0.12"], result.RemovedIngressIPs);
    }

    [Fact]
    public void NothingToRemoveGivesTheSameBytes()
    {
        var before = K8sObjects.NginxService("192.0.2.50");

        var result = StorageCodec.Strip(before, [Hijacked]);

        Assert.False(result.Changed);
        Assert.Equal(before, result.Value);
    }

    [Fact]
    public void ATrailingByteIsKeptAfterTheEdit()
    {
        byte[] before = [.. K8sObjects.NginxService(), 0x0a];
        byte[] expected = [.. K8sObjects.Service("default", "nginx-service", K8sObjects.NginxUid, "10.96.120.7", []), 0x0a];

        Assert.Equal(expected, StorageCodec.Strip(before, [Hijacked]).Value);
    }

    [Fact]
    public void ALengthThatGrowsOrShrinksAcrossAVarintBoundaryIsReencoded()
    {
        // 20 external IPs make spec longer than 127 bytes; removing them shrinks its length prefix to one byte.
        var many = Enumerable.Range(0, 20).Select(_ => "10.77.0.11").ToList();
        var before = K8sObjects.Service("default", "wide", "u-5", "10.96.0.12", many);
        var expected = K8sObjects.Service("default", "wide", "u-5", "10.96.0.12", []);

        var result = StorageCodec.Strip(before, [Hijacked]);

        Assert.Equal(expected, result.Value);
        Assert.Equal(20, result.RemovedExternalIPs.Count);
    }

    [Fact]
    public void AJsonServiceKeepsEveryOtherByteAsTheApiServerWroteIt()
    {
        // Go's encoder escapes <, > and & (\u003c ...) and writes other non-ASCII as is; numbers keep their text.
        const string Before = """
            {"kind":"Service","apiVersion":"v1","metadata":{"name":"web","namespace":"default","uid":"u-7","annotations":{"note":"\u003cb\u003e caf\u00e9 \u0026 thé"}},"spec":{"ports":[{"port":80,"targetPort":8.0e1}],"externalIPs":["10.77.0.11","192.0.2.1"],"sessionAffinityConfig":{"clientIP":{"timeoutSeconds":10800}}},"status":{"loadBalancer":{"ingress":[{"ip":"192.0.2.9"},{"ip":"10.77.0.11","ports":[{"port":80,"protocol":"TCP"}]}]}}}

            """;
        var expected = Before.Replace(",{\"ip\":\"10.77.0.11\",\"ports\":[{\"port\":80,\"protocol\":\"TCP\"}]}", "", StringComparison.Ordinal).Replace("\"10.77.0.11\",", "", StringComparison.Ordinal);

        var result = StorageCodec.Strip(System.Text.Encoding.UTF8.GetBytes(Before), [Hijacked]);

        Assert.Equal(expected, System.Text.Encoding.UTF8.GetString(result.Value));
        Assert.Equal(["10.77.0.11"], result.RemovedExternalIPs);
        Assert.Equal(["10.77.0.11"], result.RemovedIngressIPs);
    }

    [Fact]
    public void AJsonServiceLosesAnEmptiedFieldAndNothingElse()
    {
        const string Before = """{"kind":"Service","apiVersion":"v1","metadata":{"name":"web","namespace":"default"},"spec":{"externalIPs":["010.77.0.11"],"type":"ClusterIP"},"status":{"loadBalancer":{"ingress":[{"ip":"::ffff:10.77.0.11"}]}}}""";
        const string Expected = """{"kind":"Service","apiVersion":"v1","metadata":{"name":"web","namespace":"default"},"spec":{"type":"ClusterIP"},"status":{"loadBalancer":{}}}""";

        var result = StorageCodec.Strip(System.Text.Encoding.UTF8.GetBytes(Before), [Hijacked]);

        Assert.Equal(Expected, System.Text.Encoding.UTF8.GetString(result.Value));
        Assert.Equal(["010.77.0.11"], result.RemovedExternalIPs);
        Assert.Equal(["::ffff:10.77.0.11"], result.RemovedIngressIPs);
    }

    [Fact]
    public void AMalformedServiceIsRefusedBeforeAnyEdit()
    {
        var good = K8sObjects.NginxService();
        var bad = good[..^3];

        var e = Assert.Throws<StorageFormatException>(() => StorageCodec.Strip(bad, [Hijacked]));
        Assert.Contains("byte offset", e.Message);
    }
}
