using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Lab.StandIns.Tests.Lab;

/// <summary>The kube-proxy stand-in in a network namespace with the stand-in API server: what IPVS mode binds.</summary>
public sealed class KubeProxyTests(LabCluster lab) : IClassFixture<LabCluster>
{
    private const string ClaimingService = """
        apiVersion: v1
        kind: Service
        metadata:
          name: hijack
        spec:
          selector:
            app: zgz
          ports:
          - port: 80
            targetPort: http-web-svc
          externalIPs:
          - 10.77.0.11
          - 10.77.0.12
        """;

    private HashSet<string> Bound()
    {
        var r = lab.In("ip", "-j", "addr", "show", "dev", "kube-ipvs0");
        if (r.Code != 0)
            return [];
        return (JsonNode.Parse(r.Text) as JsonArray ?? []).SelectMany(l => l?["addr_info"] as JsonArray ?? [])
            .Select(a => a?["local"]?.ToString() ?? "").ToHashSet();
    }

    private Process StartProxy(string bindOwner)
    {
        var config = Path.Combine(lab.Dir, $"kube-proxy-{bindOwner}.yaml");
        File.WriteAllText(config, $"""
            apiVersion: kubeproxy.config.k8s.io/v1alpha1
            kind: KubeProxyConfiguration
            mode: ipvs
            clientConnection:
              kubeconfig: {lab.KubeconfigPath}
            ipvs:
              syncPeriod: 1s
            metricsBindAddress: 127.0.0.1:10249
            """);
        return lab.StartInNamespace($"kube-proxy-{bindOwner}.log", LabCluster.StandIn, "kube-proxy", $"--config={config}", "--hostname-override=node1", $"--lab-bind-owner={bindOwner}");
    }

    private static void Stop(Process p)
    {
        Run.Command(["kill", "-TERM", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        Assert.True(p.WaitForExit(30_000), "kube-proxy did not exit on SIGTERM");
        Assert.Equal(0, p.ExitCode);
    }

    [SkippableFact]
    public void Binds_claimed_addresses_binds_them_again_from_the_last_list_while_the_API_is_down_and_unbinds_after_a_sync()
    {
        Skip.If(lab.Missing is not null, lab.Missing);
        Assert.Equal(0, lab.KubeApply(ClaimingService).Code);
        var clusterIp = JsonNode.Parse(lab.Kube("get", "svc", "hijack", "-o", "json").Text)!["spec"]!["clusterIP"]!.ToString();
        var proxy = StartProxy("yes");
        try
        {
            Run.Eventually(() => Bound().SetEquals([clusterIp, "10.77.0.11", "10.77.0.12"]), "kube-ipvs0 holds the ClusterIP and both externalIPs");
            Assert.Equal("ipvs", lab.In("curl", "-s", "http://127.0.0.1:10249/proxyMode").Text);
            Assert.Contains("local", lab.In("ip", "route", "get", "10.77.0.12").Text);

            lab.StopApiServer();
            // The informers' cache keeps the last list: a periodic sync binds the address again, API or no API.
            Assert.Equal(0, lab.In("ip", "addr", "del", "10.77.0.12/32", "dev", "kube-ipvs0").Code);
            Run.Eventually(() => Bound().Contains("10.77.0.12"), "an address removed by hand while the API is down is bound again by the next periodic sync");

            lab.StartApiServer();
            Assert.Equal(0, lab.In("ip", "addr", "add", "10.77.0.99/32", "dev", "kube-ipvs0").Code);
            Assert.Equal(0, lab.Kube("patch", "svc", "hijack", "--type", "json", "-p", """[{"op":"remove","path":"/spec/externalIPs"}]""").Code);
            // v1.20's cleanLegacyService unbinds an address only with its virtual server: the one added by hand has none.
            Run.Eventually(() => Bound().SetEquals([clusterIp, "10.77.0.99"]), "externalIPs unbound with their virtual servers, the address added by hand left bound");
            Assert.Equal(0, lab.In("ip", "addr", "del", "10.77.0.99/32", "dev", "kube-ipvs0").Code);
            Assert.Equal(0, lab.Kube("patch", "svc", "hijack", "-p", """{"spec":{"externalIPs":["10.77.0.12"]}}""").Code);
            Run.Eventually(() => Bound().Contains("10.77.0.12"), "externalIP bound again");
        }
        finally
        {
            Stop(proxy);
        }
        Assert.Contains("10.77.0.12", Bound()); // SIGTERM leaves the addresses, like the real kube-proxy
        // The Service fixed while kube-proxy is down: the virtual server outlived it (as in the kernel), so the next
        // kube-proxy deletes it and unbinds the address.
        Assert.Equal(0, lab.Kube("delete", "svc", "hijack").Code);
        var again = StartProxy("yes");
        try
        {
            Run.Eventually(() => !Bound().Contains("10.77.0.12") && !Bound().Contains(clusterIp), "a restarted v1.20 kube-proxy unbinds what a Service no longer claims");
        }
        finally
        {
            Stop(again);
        }
    }

    [SkippableFact]
    public void Newer_versions_skip_an_external_address_another_interface_owns_but_not_a_ClusterIP_and_unbind_anything_else()
    {
        Skip.If(lab.Missing is not null, lab.Missing);
        Assert.Equal(0, lab.KubeApply(ClaimingService.Replace("name: hijack", "name: owner")).Code);
        var clusterIp = JsonNode.Parse(lab.Kube("get", "svc", "owner", "-o", "json").Text)!["spec"]!["clusterIP"]!.ToString();
        // The ClusterIP on the node's own interface too: upstream binds a ClusterIP whatever other interface has it.
        Assert.Equal(0, lab.In("ip", "addr", "add", $"{clusterIp}/32", "dev", "eth0").Code);
        var proxy = StartProxy("no");
        try
        {
            Run.Eventually(() => Bound().IsSupersetOf(["10.77.0.12", clusterIp]), "the unowned externalIP and the ClusterIP are bound");
            Assert.DoesNotContain(LabCluster.OwnAddress, Bound());
            Assert.Equal(0, lab.In("ip", "addr", "add", "10.77.0.99/32", "dev", "kube-ipvs0").Code);
            Run.Eventually(() => !Bound().Contains("10.77.0.99"), "an address this sync did not bind is removed (superfluous)");
        }
        finally
        {
            Stop(proxy);
            lab.In("ip", "addr", "del", $"{clusterIp}/32", "dev", "eth0");
            Assert.Equal(0, lab.Kube("delete", "svc", "owner").Code);
        }
    }
}
