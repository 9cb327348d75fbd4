namespace Recovery.LabTests.Lab;

/// <summary>After `lab.sh up`: a healthy cluster of separate nodes (issue 3, "After up").</summary>
[Collection(LabCollection.Name)]
public sealed class LabUpTests(LabFixture lab)
{
    [SkippableFact]
    public async Task EveryNodeLogsIntoEveryOtherBySshCheckingItsHostKey()
    {
        lab.EnsureReady();
        foreach (var from in lab.Env.Nodes)
        {
            foreach (var to in lab.Env.Nodes)
            {
                var ssh = await lab.ConsoleAsync(from, "ssh", "-i", lab.Env.SshKey, "-o", $"UserKnownHostsFile={lab.Env.KnownHosts}",
                    "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes", "-o", "ConnectTimeout=10",
                    $"root@{lab.Env.Address(to)}", "hostname; cat /etc/machine-id");
                ssh.EnsureSuccess($"ssh from {from} to {to}");
                Assert.Equal(to, ssh.StdOut.Split('\n')[0].Trim());
            }
        }
    }

    [SkippableFact]
    public async Task EtcdIsHealthyAndKubectlAnswersFromEveryNode()
    {
        lab.EnsureReady();
        var status = await lab.StatusAsync();
        foreach (var node in lab.Env.Nodes)
        {
            Assert.True(status[node, "kubectl"] == "ok", $"kubectl on {node}\n{status.Text}");
            Assert.True(status[node, "ssh.node1"] == "node1", $"node1's host key from {node}\n{status.Text}");
            Assert.DoesNotContain(status.KubeIpvs0(node), a => lab.Env.Addresses.Values.Any(n => n.ToString() == a));
            Assert.Equal("ipvs", status[node, "proxy_mode"]);
            foreach (var member in lab.Env.ControlPlane)
            {
                Assert.True(status[node, $"etcd.{member}"] == "healthy", $"etcd {member} from {node}\n{status.Text}");
            }
            foreach (var other in lab.Env.Nodes.Where(o => o != node))
            {
                Assert.Equal("unicast", status[node, $"route.{other}"]);
            }
        }
    }

    [SkippableFact]
    public async Task KubectlListsEveryNodeWithItsInternalIp()
    {
        lab.EnsureReady();
        var get = await lab.ConsoleAsync("node2", "kubectl", "get", "nodes", "-o",
            "jsonpath={range .items[*]}{.metadata.name}={.status.addresses[?(@.type==\"InternalIP\")].address}{\"\\n\"}{end}");
        var listed = get.EnsureSuccess("kubectl get nodes").StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order().ToList();
        var expected = lab.Env.Nodes.Select(n => $"{n}={lab.Env.Address(n)}").Order().ToList();
        Assert.Equal(expected, listed);
    }

    [SkippableFact]
    public async Task EachNodeHasItsOwnHostnameMachineIdProcessesAndKubernetesFolders()
    {
        lab.EnsureReady();
        var machineIds = new HashSet<string>();
        foreach (var node in lab.Env.Nodes)
        {
            var facts = (await lab.BashAsync(node,
                "hostname; cat /etc/machine-id; pgrep -xc kube-proxy; pgrep -fc '^sshd: /usr/sbin/sshd .*listener'; test -f /etc/kubernetes/pki/apiserver.crt && echo cp || echo worker; " +
                "cat /root/.kube/config /etc/kubernetes/admin.conf /etc/kubernetes/kube-proxy.kubeconfig | grep -c 'server: https://" + lab.Env.Address("node1") + ":6443'"))
                .EnsureSuccess($"facts of {node}").StdOut.Split('\n');
            Assert.Equal(node, facts[0]);
            Assert.True(machineIds.Add(facts[1]), $"machine-id of {node} is not unique");
            Assert.Equal("1", facts[2]);   // its own PID namespace: one kube-proxy visible, its own
            Assert.Equal("1", facts[3]);   // one sshd listener: its own
            Assert.Equal(lab.Env.ControlPlane.Contains(node) ? "cp" : "worker", facts[4]);
            Assert.Equal("3", facts[5]);   // every kubeconfig points at node1, as in the seed
        }
    }

    [SkippableFact]
    public async Task SystemctlStandInRestartsAKilledKubeProxyLikeRestartAlways()
    {
        lab.EnsureReady();
        var before = (await lab.ConsoleAsync("node3", "systemctl", "show", "-p", "MainPID", "--value", "kube-proxy"))
            .EnsureSuccess("systemctl show").StdOut.Trim();
        Assert.Equal(before, (await lab.ConsoleAsync("node3", "pgrep", "-x", "kube-proxy")).StdOut.Trim());
        (await lab.ConsoleAsync("node3", "kill", "-9", before)).EnsureSuccess("kill kube-proxy");
        var deadline = DateTime.UtcNow.AddMinutes(1);
        string after;
        do
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            after = (await lab.ConsoleAsync("node3", "pgrep", "-x", "kube-proxy")).StdOut.Trim();
        }
        while ((after.Length == 0 || after == before) && DateTime.UtcNow < deadline);
        Assert.NotEqual(before, after);
        Assert.NotEmpty(after);
        var show = (await lab.ConsoleAsync("node3", "systemctl", "show", "kube-proxy", "--property=ActiveState,MainPID,Restart"))
            .EnsureSuccess("systemctl show").StdOut;
        Assert.Contains("ActiveState=active", show);
        Assert.Contains($"MainPID={after}", show);
        Assert.Contains("Restart=always", show);
        Assert.Equal(0, (await lab.ConsoleAsync("node3", "systemctl", "is-active", "kube-proxy")).ExitCode);
    }
}
