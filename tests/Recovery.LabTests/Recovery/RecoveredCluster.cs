using System.Net;
using Recovery.LabTests.Lab;

namespace Recovery.LabTests.Recovery;

/// <summary>The state a recovery must leave, asserted on the cluster itself (lab.sh status, kubectl), not on exit codes.</summary>
public static class RecoveredCluster
{
    public static async Task AssertHealthyAsync(LabFixture lab, IPAddress address)
    {
        var text = address.ToString();
        var status = await Poll.UntilStatusAsync(lab,
            s => lab.Env.Nodes.All(n => s[n, "kubectl"] == "ok" && s[n, "kube_proxy"] == "running"),
            "kubectl answering and kube-proxy running on every node");
        foreach (var node in lab.Env.Nodes)
        {
            Assert.True(!status.KubeIpvs0(node).Contains(text), $"{text} still on {node}'s kube-ipvs0\n{status.Text}");
            foreach (var other in lab.Env.Nodes.Where(o => o != node))
            {
                Assert.True(status[node, $"route.{other}"] == "unicast", $"{node} -> {other} is not routed out\n{status.Text}");
            }
            Assert.True(status[node, "ssh.node1"] == "node1", $"ssh from {node} to node1's address reaches {status[node, "ssh.node1"]}\n{status.Text}");
            Assert.True(status[node, "proxy_mode"] == "ipvs", $"kube-proxy on {node} does not answer /proxyMode\n{status.Text}");
        }
    }

    /// <summary>kube-proxy syncs every second in the lab: after several periods, a kube-proxy that would bind the address again has done so.</summary>
    public static async Task AssertStaysOffAsync(LabFixture lab, IPAddress address)
    {
        await Task.Delay(TimeSpan.FromSeconds(6));
        var status = await lab.StatusAsync();
        foreach (var node in lab.Env.Nodes)
        {
            Assert.True(!status.KubeIpvs0(node).Contains(address.ToString()), $"{address} came back on {node}'s kube-ipvs0\n{status.Text}");
        }
    }

    public static async Task<LabCommandResult> KubectlAsync(LabFixture lab, string node, params string[] args)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (true)
        {
            var result = await lab.ConsoleAsync(node, ["kubectl", "--request-timeout=10s", .. args]);
            if (result.Succeeded || result.StdErr.Contains("NotFound", StringComparison.Ordinal) || DateTime.UtcNow > deadline) return result;
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
    }
}
