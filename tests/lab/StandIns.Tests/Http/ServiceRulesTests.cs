using System.Net;
using System.Text.Json.Nodes;
using Lab.StandIns.Http;

namespace Lab.StandIns.Tests.Http;

public class ServiceRulesTests
{
    private static readonly ServiceRanges Small = ServiceRanges.Parse("10.100.0.0/29", "30000-30004");

    private static JsonObject Svc(string json) => (JsonObject)JsonNode.Parse(json)!;

    [Fact]
    public void Allocates_distinct_cluster_IPs_inside_the_range_never_the_first()
    {
        var existing = new List<JsonObject>();
        for (var i = 0; i < 5; i++)
        {
            var svc = Svc("""{"metadata":{"name":"s"},"spec":{"ports":[{"port":80}]}}""");
            Assert.Empty(ServiceRules.Prepare(svc, null, new ServiceAllocator(existing, Small)));
            existing.Add(svc);
        }
        var ips = existing.Select(s => s["spec"]!["clusterIP"]!.ToString()).ToList();
        Assert.Equal(5, ips.Distinct().Count());
        Assert.All(ips, ip => Assert.True(Small.Contains(IPAddress.Parse(ip)), ip));
        Assert.DoesNotContain("10.100.0.1", ips);
        Assert.DoesNotContain("10.100.0.0", ips);
        Assert.DoesNotContain("10.100.0.7", ips);
    }

    [Fact]
    public void Bits_still_set_in_the_etcd_bitmap_are_not_handed_out_and_a_full_range_is_an_error()
    {
        // 10.100.0.0/29: bits 0..5 are .1 to .6; .1 is never handed out; bits 1..4 (.2-.5) are marked.
        var marked = new System.Numerics.BigInteger(0b11110);
        var svc = Svc("""{"metadata":{"name":"s"},"spec":{"ports":[{"port":80}]}}""");
        Assert.Empty(ServiceRules.Prepare(svc, null, new ServiceAllocator([], Small, marked, null)));
        Assert.Equal("10.100.0.6", svc["spec"]!["clusterIP"]!.ToString());

        var full = Svc("""{"metadata":{"name":"t"},"spec":{"ports":[{"port":80}]}}""");
        var e = Assert.Throws<ApiError>(() => ServiceRules.Prepare(full, null, new ServiceAllocator([svc], Small, marked, null)));
        Assert.Contains("range is full", e.Message);
    }

    [Fact]
    public void Defaults_like_the_v1_20_registry()
    {
        var svc = Svc("""{"metadata":{"name":"s"},"spec":{"type":"NodePort","ports":[{"port":80}]}}""");
        Assert.Empty(ServiceRules.Prepare(svc, null, new ServiceAllocator([], Small)));
        var spec = svc["spec"]!;
        Assert.Equal("None", spec["sessionAffinity"]!.ToString());
        Assert.Equal("TCP", spec["ports"]![0]!["protocol"]!.ToString());
        Assert.Equal("80", spec["ports"]![0]!["targetPort"]!.ToJsonString());
        Assert.InRange(spec["ports"]![0]!["nodePort"]!.GetValue<int>(), 30000, 30004);
        Assert.Equal("Cluster", spec["externalTrafficPolicy"]!.ToString());
        Assert.Equal("SingleStack", spec["ipFamilyPolicy"]!.ToString());
        Assert.Equal(spec["clusterIP"]!.ToString(), spec["clusterIPs"]![0]!.ToString());
    }

    [Fact]
    public void Update_keeps_allocations_and_refuses_a_new_cluster_IP()
    {
        var old = Svc("""{"metadata":{"name":"s"},"spec":{"type":"NodePort","ports":[{"port":80}]}}""");
        ServiceRules.Prepare(old, null, new ServiceAllocator([], Small));
        var update = Svc("""{"metadata":{"name":"s"},"spec":{"type":"NodePort","ports":[{"port":80}],"externalIPs":["10.77.0.11"]}}""");
        Assert.Empty(ServiceRules.Prepare(update, old, new ServiceAllocator([], Small)));
        Assert.Equal(old["spec"]!["clusterIP"]!.ToString(), update["spec"]!["clusterIP"]!.ToString());
        Assert.Equal(old["spec"]!["ports"]![0]!["nodePort"]!.ToJsonString(), update["spec"]!["ports"]![0]!["nodePort"]!.ToJsonString());

        var other = old["spec"]!["clusterIP"]!.ToString() == "10.100.0.6" ? "10.100.0.5" : "10.100.0.6";
        var moved = Svc("""{"metadata":{"name":"s"},"spec":{"ports":[{"port":80}],"clusterIP":"@ADDR@"}}""".Replace("@ADDR@", other, StringComparison.Ordinal));
        var error = Assert.Single(ServiceRules.Prepare(moved, old, new ServiceAllocator([], Small)));
        Assert.Equal("spec.clusterIP", error.Field);
        Assert.Contains("field is immutable", error.Detail);
    }

    [Theory]
    [InlineData("not-an-ip", "must be a valid IP address")]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("169.254.1.1", "link-local")]
    public void ExternalIPs_are_validated_like_upstream(string ip, string why)
    {
        var svc = Svc("""{"metadata":{"name":"s"},"spec":{"ports":[{"port":80}],"externalIPs":["@ADDR@"]}}""".Replace("@ADDR@", ip, StringComparison.Ordinal));
        var error = Assert.Single(ServiceRules.Prepare(svc, null, new ServiceAllocator([], Small)));
        Assert.Equal("spec.externalIPs[0]", error.Field);
        Assert.Contains(why, error.Detail);
    }

    [Fact]
    public void Bad_range_flags_are_named()
    {
        Assert.Contains("--service-cluster-ip-range=fd00::/108", Assert.Throws<StartupException>(() => ServiceRanges.Parse("fd00::/108", "30000-32767")).Message);
        Assert.Contains("--service-node-port-range=3-1", Assert.Throws<StartupException>(() => ServiceRanges.Parse("10.96.0.0/12", "3-1")).Message);
    }
}
