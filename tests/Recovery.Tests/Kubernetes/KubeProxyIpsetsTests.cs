using System.Net;
using System.Text.RegularExpressions;
using Recovery.Commands;
using Recovery.Kubernetes;
using Recovery.Planning;
using Recovery.Tests.Fixtures;
using static Recovery.Tests.Planning.Cluster;

namespace Recovery.Tests.Kubernetes;

/// <summary>
/// The ipset names and entries, and the ipvsadm virtual servers, the Unbind phase removes, checked against what a real
/// kube-proxy in IPVS mode left on a node (Fixtures/ipvs: `ipset list` and `ipvsadm --list -n` from a dual-stack minikube).
/// </summary>
public sealed partial class KubeProxyIpsetsTests
{
    /// <summary>Set name to (type, members) as `ipset list` prints them.</summary>
    private static Dictionary<string, (string Type, List<string> Members)> Sets()
    {
        var sets = new Dictionary<string, (string, List<string>)>(StringComparer.Ordinal);
        foreach (var block in Fixture.Read("ipvs/ipset-list-minikube.txt").Split("\n\n"))
        {
            var lines = block.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var name = lines.Single(l => l.StartsWith("Name: ", StringComparison.Ordinal))["Name: ".Length..];
            var type = lines.Single(l => l.StartsWith("Type: ", StringComparison.Ordinal))["Type: ".Length..];
            sets[name] = (type, lines.SkipWhile(l => l != "Members:").Skip(1).ToList());
        }
        return sets;
    }

    [Theory]
    [InlineData("10.0.0.211")]
    [InlineData("fd00::211")]
    public void The_set_names_are_those_kube_proxy_creates_for_the_family(string text)
    {
        var sets = Sets();
        var address = IPAddress.Parse(text);
        Assert.Equal("hash:ip", sets[KubeProxyIpsets.BoundAddresses(address)].Type);
        Assert.All(KubeProxyIpsets.AddressAndPort(address), name => Assert.Equal("hash:ip,port", sets[name].Type));
        Assert.Equal(text.Contains(':', StringComparison.Ordinal), KubeProxyIpsets.AddressAndPort(address).All(n => n.StartsWith("KUBE-6-", StringComparison.Ordinal)));
    }

    [Fact]
    public void An_entry_is_written_as_ipset_lists_it()
    {
        // Real hash:ip,port members: KUBE-CLUSTER-IP holds the ClusterIP Services' address,proto:port.
        var members = Sets()["KUBE-CLUSTER-IP"].Members;
        Assert.Contains(new IpsetEntry(IPAddress.Parse("10.100.108.207"), "tcp", 80).ToString(), members);
        Assert.Contains(new IpsetEntry(IPAddress.Parse("10.96.0.10"), "udp", 53).ToString(), members);
        Assert.Contains(new IpsetEntry(IPAddress.Parse("10.96.0.1"), ServicePort.FromSpec("TCP", 443)!.Protocol, 443).ToString(), members);
        Assert.Contains("10.100.108.207", Sets()[KubeProxyIpsets.BoundAddresses(IPAddress.Parse("10.100.108.207"))].Members);
    }

    [Fact]
    public void The_ipvsadm_service_is_written_as_ipvsadm_lists_it()
    {
        var services = Fixture.Read("ipvs/ipvsadm-Ln-minikube.txt").Split('\n').Select(l => VirtualServer().Match(l)).Where(m => m.Success).ToList();
        Assert.Equal(5, services.Count);
        foreach (var m in services)
        {
            var port = ServicePort.FromSpec(m.Groups["prot"].Value, int.Parse(m.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture))!;
            var service = new IpvsService(port.Protocol, IPAddress.Parse(m.Groups["addr"].Value), port.Port);
            Assert.Equal($"{m.Groups["addr"].Value}:{m.Groups["port"].Value}", service.ToString());
            Assert.Equal(m.Groups["prot"].Value == "TCP" ? "-t" : "-u", service.Option);
        }
    }

    [Fact]
    public void Unbind_removes_the_address_from_every_set_and_its_virtual_servers_for_each_claimed_port()
    {
        var intent = Intent() with { ServicePorts = [new ServicePort("tcp", 80), new ServicePort("udp", 53)] };
        var plan = Planner.Create(Seed(), SeedFacts(), intent, "node2", Created);

        Assert.Equal(["ipset del KUBE-IPVS-IPS 10.0.0.211"], plan.Step("unbind/node3/ipset-10.0.0.211").Commands());
        foreach (var set in new[] { "KUBE-EXTERNAL-IP", "KUBE-EXTERNAL-IP-LOCAL", "KUBE-LOAD-BALANCER", "KUBE-LOAD-BALANCER-LOCAL", "KUBE-LOAD-BALANCER-FW" })
        {
            var step = plan.Step($"unbind/node3/ipset-{set}-10.0.0.211-udp-53");
            Assert.Equal([$"ipset del {set} 10.0.0.211,udp:53"], step.Commands());
            Assert.Equal($"ipset list -n {set}", step.Guard!.Command.Render());
            Assert.Equal($"ipset test {set} 10.0.0.211,udp:53", step.Check!.Command.Render());
        }
        Assert.Equal(["ipvsadm -D -u 10.0.0.211:53"], plan.Step("unbind/node3/ipvs-udp-10.0.0.211-53").Commands());
        Assert.Equal(["ipvsadm -D -t 10.0.0.211:80"], plan.Step("unbind/node3/ipvs-tcp-10.0.0.211-80").Commands());
        // A plan file with these steps is accepted again (the validator knows their shapes).
        PlanJson.Read(PlanJson.Write(plan), Seed());
    }

    [GeneratedRegex(@"^(?<prot>TCP|UDP)\s+(?<addr>[0-9.]+):(?<port>[0-9]+)\s")]
    private static partial Regex VirtualServer();
}
