using System.Text;
using System.Text.Json;
using Recovery.LabTests.Recovery;

namespace Recovery.LabTests.Runbook;

/// <summary>
/// runbooks/ipvs-externalip-lockout.md's manual procedure, its lines read from the file and typed at the lab's node
/// consoles in its order (see <see cref="RunbookProcedure"/>), on the seed's lockout (`lab.sh break`): once with the
/// kubectl patch of step 3, once with every API server down and step 3's etcdctl lines. The cluster is asserted on
/// (kubectl, etcd's keys, kube-ipvs0), not on exit codes alone. Each test leaves the lab healthy for the next one.
/// Not typed here: the lines of the other kube-proxy managers (the recover tests' labs cover those managers).
/// </summary>
[Collection(LabCollection.Name)]
public sealed class RunbookLabTests(LabFixture lab)
{
    /// <summary>Its etcd keys start with the seed Service's: a `del --prefix` (or a namespace-wide one) would take them too.</summary>
    private const string Bystander = "nginx-service-canary";

    [SkippableFact]
    public async Task Kubectl_patch_keeps_the_Service_without_its_externalIPs_and_the_address_stays_off_every_node()
    {
        var runbook = await BreakAsync();
        try
        {
            await runbook.StopKubeProxyEverywhereAsync();
            await runbook.RemoveAddressEverywhereAsync();
            await runbook.UntilKubectlAnswersAsync();
            RunbookProcedure.AssertSucceeded(runbook.Owner, await runbook.TypeAsync(runbook.Owner, runbook.Block("3.", "kubectl patch service")));

            var service = await RecoveredCluster.KubectlAsync(lab, "node2", "get", "service", "-n", runbook.Lab.Namespace, runbook.Lab.Name, "-o", "json");
            Assert.True(service.Succeeded, $"the patched Service is gone:\n{service.StdErr}");
            using (var json = JsonDocument.Parse(service.StdOut))
            {
                var spec = json.RootElement.GetProperty("spec");
                Assert.False(spec.TryGetProperty("externalIPs", out _), $"externalIPs still there:\n{service.StdOut}");
                Assert.True(spec.TryGetProperty("clusterIP", out _), $"the patch took more than externalIPs:\n{service.StdOut}");
            }

            var started = await runbook.StartKubeProxyEverywhereAsync();
            await runbook.AssertAddressStaysOffAsync(started);
        }
        finally
        {
            await RecoveredCluster.HealAsync(lab);
        }
    }

    [SkippableFact]
    public async Task With_every_api_server_down_etcdctl_saves_and_deletes_exactly_the_Services_keys_and_the_lockout_ends()
    {
        var runbook = await BreakAsync(Bystander);
        var (spec, endpoints) = (SeedService.SpecKey, SeedService.EndpointsKey);
        var bystander = $"/registry/services/specs/{SeedService.Namespace}/{Bystander}";
        var started = DateTimeOffset.MinValue;
        try
        {
            await ApiServers.WhileDownAsync(lab, async () =>
            {
                await runbook.StopKubeProxyEverywhereAsync();
                await runbook.RemoveAddressEverywhereAsync();
                Assert.False((await lab.ConsoleAsync(runbook.Owner, "kubectl", "--request-timeout=5s", "get", "nodes")).Succeeded, "an API server answers: this is not the etcd path");
                var before = await EtcdKeysAsync(runbook.Owner);
                Assert.Contains(spec, before);
                Assert.Contains(endpoints, before);
                Assert.Contains(bystander, before);

                var typed = await runbook.TypeAsync(runbook.Owner, runbook.Block("3.", "export ETCDCTL_API=3"));
                RunbookProcedure.AssertSucceeded(runbook.Owner, typed);
                Assert.Equal(spec, SavedKey(Path.Combine(runbook.WorkDir, $"{runbook.Lab.Name}.etcd.json")));
                Assert.All(typed.Where(l => l.Command.StartsWith("$E del", StringComparison.Ordinal)), del => Assert.True(del.Output.Trim() == "1", $"deleted not exactly one key:\n{del}"));

                var after = await EtcdKeysAsync(runbook.Owner);
                Assert.Equal(before.Count - 2, after.Count);
                Assert.Equal([endpoints, spec], before.Except(after).Order(StringComparer.Ordinal));
                Assert.Empty(after.Except(before));
                Assert.Contains(bystander, after);

                started = await runbook.StartKubeProxyEverywhereAsync();
            });
            // The API servers back (what the lockout's end brings in a real cluster) serve no such Service, and no
            // kube-proxy binds the address again.
            var service = await RecoveredCluster.KubectlAsync(lab, "node2", "get", "service", "-n", runbook.Lab.Namespace, runbook.Lab.Name);
            Assert.True(service.StdErr.Contains("NotFound", StringComparison.Ordinal), $"the Service is still served:\n{service.StdOut}{service.StdErr}");
            await runbook.AssertAddressStaysOffAsync(started);
        }
        finally
        {
            await RecoveredCluster.HealAsync(lab);
            await RecoveredCluster.KubectlAsync(lab, "node2", "delete", "service", "-n", SeedService.Namespace, Bystander, "--ignore-not-found");
        }
    }

    /// <summary>
    /// The seed's lockout on a lab healthy before it, and the English runbook to recover it with. BYSTANDERS are plain
    /// Services created first in the seed Service's namespace: etcd keys the runbook must not touch.
    /// </summary>
    private async Task<RunbookProcedure> BreakAsync(params string[] bystanders)
    {
        lab.EnsureReady();
        await RecoveredCluster.HealAsync(lab);
        foreach (var name in bystanders)
        {
            await RecoveredCluster.KubectlAsync(lab, "node2", "delete", "service", "-n", SeedService.Namespace, name, "--ignore-not-found");
            var create = await RecoveredCluster.KubectlAsync(lab, "node2", "create", "service", "clusterip", name, "-n", SeedService.Namespace, "--tcp=80:80");
            create.EnsureSuccess($"kubectl create service {name}");
        }
        await lab.BreakAsync();
        return new RunbookProcedure(lab, RunbookText.Load(RunbookText.English));
    }

    /// <summary>The key in the copy step 3 saves (`etcdctl get -w json` prints keys base64), checked to hold a value.</summary>
    private static string SavedKey(string file)
    {
        Assert.True(File.Exists(file), $"step 3 saved nothing to {file}");
        using var json = JsonDocument.Parse(File.ReadAllText(file));
        Assert.True(json.RootElement.TryGetProperty("kvs", out var kvs) && kvs.GetArrayLength() == 1, $"the saved copy holds no key:\n{json.RootElement}");
        Assert.False(string.IsNullOrEmpty(kvs[0].GetProperty("value").GetString()), "the saved value is empty");
        return Encoding.UTF8.GetString(Convert.FromBase64String(kvs[0].GetProperty("key").GetString()!));
    }

    /// <summary>Every key in etcd, read at the owner's console; retried while the members re-elect after step 2.</summary>
    private async Task<List<string>> EtcdKeysAsync(string node)
    {
        for (var attempt = 1; ; attempt++)
        {
            var get = await lab.BashAsync(node, $"{ClusterSnapshot.EtcdCtl} get '' --prefix --keys-only");
            if (get.Succeeded || attempt == 20)
            {
                return get.EnsureSuccess("etcdctl get --prefix --keys-only").StdOut
                    .Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
            }
            await Task.Delay(TimeSpan.FromSeconds(3));
        }
    }
}
