using System.Net;
using Recovery.Kubernetes;
using Recovery.Prevention.Audit;

namespace Recovery.Tests.Kubernetes.Audit;

public class AuditorTests
{
    private static ClusterReading Reading(string? mode, IReadOnlyList<PoolEntry>? pools = null, IReadOnlyList<SourceStatus>? sources = null) => new(
        ClusterObjects.NodeAddresses(Samples.Read("nodes.json")),
        ClusterObjects.Services(Samples.CapturedServicesAsList()),
        [],
        ClusterObjects.KubeconfigServer(Samples.Read("kubeconfig-view.json")),
        pools ?? [],
        new ProxyModeReading(mode, "test"),
        sources ?? [new SourceStatus("Nodes", SourceState.Read, "")]);

    [Fact]
    public void Reads_every_node_address_of_both_families_and_skips_host_names()
    {
        var nodes = ClusterObjects.NodeAddresses(Samples.Read("nodes.json"));
        Assert.Equal(["10.77.0.11", "10.77.0.12", "203.0.113.12", "10.77.0.13", "fd00:77::13"], nodes.Select(n => n.Address.ToString()));
        Assert.Contains(nodes, n => n is { Node: "node2", Type: "ExternalIP" });
    }

    [Fact]
    public void Finds_the_captured_claims_with_their_fields_and_owners()
    {
        var report = Auditor.Decide(Reading("ipvs"), []);
        var found = report.Findings.Select(f => $"{f.Object} {f.Field} {f.Address} {f.Owner} {f.Exposure}").ToList();
        Assert.Contains("Service default/nginx-service spec.externalIPs[0] 10.77.0.11 node1 InternalIP, API server (kubeconfig) Active", found);
        Assert.Contains(found, f => f.StartsWith("Service ingress-nginx/ingress-nginx-controller status.loadBalancer.ingress[0].ip 10.77.0.13 node3", StringComparison.Ordinal));
        Assert.Contains(found, f => f.Contains("spec.externalIPs[1] 10.77.0.12", StringComparison.Ordinal));
        Assert.DoesNotContain(found, f => f.Contains("10.77.0.250", StringComparison.Ordinal)); // a free address
        Assert.DoesNotContain(report.Findings, f => f.Object == "Service default/kubernetes");
    }

    [Theory]
    [InlineData("ipvs", "Active")]
    [InlineData("iptables", "Latent")]
    [InlineData("nftables", "Latent")]
    [InlineData(null, "Unknown")]
    public void Exposure_follows_kube_proxy_mode(string? mode, string expected)
    {
        var report = Auditor.Decide(Reading(mode), []);
        Assert.NotEmpty(report.Findings);
        Assert.All(report.Findings, f => Assert.Equal(expected, f.Exposure.ToString()));
    }

    [Fact]
    public void Protected_and_api_endpoint_addresses_are_guarded_and_clusterIPs_compared()
    {
        var reading = Reading("ipvs") with
        {
            Services =
            [
                new ServiceAddresses("default/dns", new ServiceAddressFields([], [], null, ["10.96.0.10"])),
                new ServiceAddresses("default/vip", new ServiceAddressFields([], [], "010.77.0.200", ["10.96.0.20"])),
            ],
            ApiEndpoints = ClusterObjects.EndpointAddresses(Samples.Read("endpoints-kubernetes.json")),
        };
        var report = Auditor.Decide(reading, [IPAddress.Parse("10.96.0.10"), IPAddress.Parse("10.77.0.200")]);
        Assert.Equal(["spec.clusterIPs[0]", "spec.loadBalancerIP"], report.Findings.Select(f => f.Field));
        Assert.All(report.Findings, f => Assert.Equal("--protect", f.Owner));
        Assert.Contains(report.Guarded, g => g.Owner == "API server (Endpoints default/kubernetes)" && g.Address.Equals(IPAddress.Parse("10.77.0.12")));
    }

    [Fact]
    public void Pools_holding_node_addresses_are_found_in_both_metallb_forms()
    {
        var pools = ClusterObjects.IpAddressPools(Samples.Read("ipaddresspools.json")).Concat(ClusterObjects.LegacyMetalLbPools(Samples.Read("metallb-config.json"))).ToList();
        var report = Auditor.Decide(Reading("ipvs", pools) with { Services = [] }, []);
        var found = report.Findings.Select(f => $"{f.Object} {f.Field} {f.Address}").ToList();
        Assert.Equal(
        [
            "IPAddressPool metallb-system/doc-example spec.addresses[1] 203.0.113.12",
            "IPAddressPool metallb-system/too-wide spec.addresses[0] 10.77.0.11",
            "IPAddressPool metallb-system/too-wide spec.addresses[0] 10.77.0.12",
            "IPAddressPool metallb-system/too-wide spec.addresses[0] 10.77.0.13",
            "IPAddressPool metallb-system/too-wide spec.addresses[1] fd00:77::13",
            "ConfigMap metallb-system/config address-pools[default].addresses[0] 10.77.0.11",
            "ConfigMap metallb-system/config address-pools[default].addresses[0] 10.77.0.12",
        ], found);
    }

    [Fact]
    public void Nothing_found_with_an_unread_source_is_incomplete_not_clean()
    {
        var reading = Reading("ipvs", sources: [new SourceStatus("Services (all namespaces)", SourceState.Unreadable, "Forbidden")]) with { Services = [] };
        var report = Auditor.Decide(reading, []);
        Assert.False(report.Found);
        Assert.True(report.Incomplete);
        Assert.Contains("UNKNOWN", AuditText.Render(report), StringComparison.Ordinal);
        Assert.DoesNotContain("clean: no Service", AuditText.Render(report), StringComparison.Ordinal);
    }

    [Fact]
    public void An_unread_kube_proxy_mode_leaves_a_clean_audit_clean()
    {
        var reading = Reading(null, sources: [new SourceStatus("kube-proxy ConfigMap kube-system/kube-proxy", SourceState.Unreadable, "Forbidden", Decisive: false)]) with { Services = [] };
        var report = Auditor.Decide(reading, []);
        Assert.False(report.Incomplete);
        Assert.Contains("clean: no Service", AuditText.Render(report), StringComparison.Ordinal);
        Assert.Contains("kube-proxy mode: unknown", AuditText.Render(report), StringComparison.Ordinal);
    }

    [Fact]
    public void Kube_proxy_mode_and_server_version_are_read_from_their_objects()
    {
        Assert.Equal("ipvs", ClusterObjects.ProxyModeFromConfigMap(Samples.Read("kube-proxy-configmap.json")));
        Assert.Equal((1, 30), ClusterObjects.ServerVersion(Samples.Read("version.json")));
        Assert.Equal("https://10.77.0.11:6443", ClusterObjects.KubeconfigServer(Samples.Read("kubeconfig-view.json")));
        Assert.Throws<FormatException>(() => ClusterObjects.NodeAddresses("not json"));
    }

    [Theory]
    [InlineData(0, "", "{}", "Read")]
    [InlineData(1, "error: the server doesn't have a resource type \"ipaddresspools\"", "", "NotInstalled")]
    [InlineData(1, "Error from server (NotFound): configmaps \"config\" not found", "", "Absent")]
    [InlineData(1, "Error from server (NotFound): namespaces \"metallb-system\" not found", "", "Absent")]
    [InlineData(1, "Error from server (Forbidden): services is forbidden: User \"x\" cannot list resource \"services\"", "", "Unreadable")]
    [InlineData(1, "Unable to connect to the server: dial tcp 10.77.0.11:6443: i/o timeout", "", "Unreadable")]
    public void Kubectl_answers_are_told_apart(int exit, string stderr, string stdout, string expected) =>
        Assert.Equal(expected, KubectlRead.From(new Recovery.Access.CommandResult(exit, stdout, stderr, TimeSpan.Zero)).State.ToString());

    [Fact]
    public void Json_is_versioned_and_names_each_finding()
    {
        var json = AuditJson.Render(Auditor.Decide(Reading("iptables"), []));
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        Assert.Equal("kube-recover/v1", doc.RootElement.GetProperty("apiVersion").GetString());
        Assert.Equal("Audit", doc.RootElement.GetProperty("kind").GetString());
        Assert.True(doc.RootElement.GetProperty("found").GetBoolean());
        var first = doc.RootElement.GetProperty("findings")[0];
        Assert.Equal("latent", first.GetProperty("exposure").GetString());
        Assert.Equal("Service default/nginx-service", first.GetProperty("object").GetString());
    }
}
