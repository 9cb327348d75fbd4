using System.Net;
using Recovery.LabTests.Lab;

namespace Recovery.LabTests.Recovery;

/// <summary>The state a recovery must leave, asserted on the cluster itself (lab.sh status, kubectl), not on exit codes.</summary>
public static class RecoveredCluster
{
    public static async Task AssertHealthyAsync(LabFixture lab, params IPAddress[] addresses)
    {
        var status = await Poll.UntilStatusAsync(lab,
            s => lab.Env.Nodes.All(n => s[n, "kubectl"] == "ok" && s[n, "kube_proxy"] == "running"),
            "kubectl answering and kube-proxy running on every node");
        foreach (var node in lab.Env.Nodes)
        {
            foreach (var text in addresses.Select(a => a.ToString()))
            {
                Assert.True(!status.KubeIpvs0(node).Contains(text), $"{text} still on {node}'s kube-ipvs0\n{status.Text}");
            }
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

    /// <summary>
    /// Puts the lab back to healthy without kube-recover (so one failed test cannot break the next): the manual
    /// runbook for whichever way this lab runs kube-proxy. Does nothing when the lab is healthy already.
    /// </summary>
    public static async Task HealAsync(LabFixture lab)
    {
        var node1 = lab.Env.Address("node1").ToString();
        var status = await lab.StatusAsync();
        if (lab.Env.Nodes.All(n => !status.KubeIpvs0(n).Contains(node1) && status[n, "kube_proxy"] == "running" && status[n, "kubectl"] == "ok")
            && !(await lab.ConsoleAsync("node1", "kubectl", "--request-timeout=10s", "get", "service", "nginx-service")).Succeeded)
        {
            return;
        }
        var (stop, start) = lab.Env.ProxyManager switch
        {
            // kubelet first: a stopped one leaves its pods running, and only a running one acts on the manifest's move.
            "static-pod" => ("systemctl start kubelet; if [ -e /etc/kubernetes/manifests/kube-proxy.yaml ]; then mkdir -p /root/lab-aside && mv /etc/kubernetes/manifests/kube-proxy.yaml /root/lab-aside/; fi",
                "for f in /root/lab-aside/kube-proxy.yaml /var/lib/kube-recover/aside/kube-proxy.yaml; do if [ -e $f ]; then mv $f /etc/kubernetes/manifests/kube-proxy.yaml; fi; done"),
            "custom" => ("/usr/local/sbin/lab-kube-proxy stop", "/usr/local/sbin/lab-kube-proxy start"),
            "daemonset-docker" => ("systemctl stop kubelet; for c in $(docker ps -q --filter name=^/k8s_kube-proxy_); do docker stop $c; done", "systemctl start kubelet"),
            // A server's kube-proxy is its API server's process: only the agents' is stopped; the servers' unbinds once the Service is gone.
            "k3s" => ("systemctl stop k3s-agent 2>/dev/null; true", "systemctl start k3s-agent 2>/dev/null; true"),
            _ => ("systemctl stop kube-proxy", "systemctl start kube-proxy"),
        };
        foreach (var node in lab.Env.Nodes) await lab.BashAsync(node, stop);
        foreach (var node in lab.Env.Nodes) await lab.BashAsync(node, $"ip addr del {node1}/32 dev kube-ipvs0 2>/dev/null; true");
        // On k3s node1's server still binds its own address on the others (its kube-proxy runs on): node2's API has the quorum.
        var deleter = lab.Env.ProxyManager == "k3s" ? "node2" : "node1";
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!(await lab.ConsoleAsync(deleter, "kubectl", "--request-timeout=10s", "delete", "service", "nginx-service", "--ignore-not-found")).Succeeded
               && DateTime.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
        foreach (var node in lab.Env.Nodes) await lab.BashAsync(node, start);
        await Poll.UntilStatusAsync(lab,
            s => lab.Env.Nodes.All(n => !s.KubeIpvs0(n).Contains(node1) && s[n, "kube_proxy"] == "running" && s[n, "kubectl"] == "ok"),
            "the lab healed before the test");
    }
}
