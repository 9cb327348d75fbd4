using System.Text.Json;

namespace Recovery.LabTests.Recovery;

/// <summary>
/// The seed's incident (externalIPs = node1's address, kube-proxy v1.20 under systemd), recovered by one
/// `kube-recover recover --yes` from node2's console. Each test breaks the lab first and leaves it healthy.
/// </summary>
[Collection(SystemdLabCollection.Name)]
public sealed class RecoverSystemdTests(SystemdLab lab)
{
    [SkippableFact]
    public async Task Seed_incident_is_diagnosed_planned_and_recovered_from_node2()
    {
        lab.EnsureReady();
        await RecoveredCluster.HealAsync(lab);
        await lab.BreakAsync();
        var node1 = lab.Env.Address("node1");
        var before = await ClusterSnapshot.TakeAsync(lab);

        var diagnose = await KubeRecover.RunAsync(lab, "node2", "diagnose", "-i", lab.Env.Inventory, "--json");
        Assert.True(diagnose.ExitCode == 3, $"diagnose exit {diagnose.ExitCode}\n{diagnose.StdErr}");
        using (var report = JsonDocument.Parse(diagnose.StdOut))
        {
            Assert.Equal("kube-recover/v1", report.RootElement.GetProperty("apiVersion").GetString());
            Assert.Contains(node1.ToString(), diagnose.StdOut);
            Assert.Contains("nginx-service", diagnose.StdOut);
        }
        var plan = await KubeRecover.RunAsync(lab, "node2", "plan", "-i", lab.Env.Inventory, "--format", "json");
        Assert.True(plan.ExitCode == 0, $"plan exit {plan.ExitCode}\n{plan.StdErr}");
        using (var document = JsonDocument.Parse(plan.StdOut))
        {
            Assert.Equal("Plan", document.RootElement.GetProperty("kind").GetString());
        }
        var script = await KubeRecover.RunAsync(lab, "node2", "plan", "-i", lab.Env.Inventory, "--format", "script");
        Assert.True(script.ExitCode == 0, script.StdErr);
        (await ClusterSnapshot.TakeAsync(lab)).AssertUnchangedSince(before, "diagnose and plan");

        var state = Path.Combine(lab.Env.RunDir, "state-seed");
        var recover = await KubeRecover.RunAsync(lab, "node2", "recover", "-i", lab.Env.Inventory, "--yes", "--state-dir", state);
        Assert.True(recover.ExitCode == 0, $"recover exit {recover.ExitCode}\n{recover.StdOut}\n{recover.StdErr}");

        await RecoveredCluster.AssertHealthyAsync(lab, node1);
        var service = await RecoveredCluster.KubectlAsync(lab, "node3", "get", "service", "-n", "default", "nginx-service");
        Assert.Contains("NotFound", service.StdErr);
        Assert.True(File.Exists(Path.Combine(state, "service.default.nginx-service.yaml")), "the Service's YAML is saved before it is deleted");
        Assert.Contains("externalIPs", File.ReadAllText(Path.Combine(state, "service.default.nginx-service.yaml")));
        await RecoveredCluster.AssertStaysOffAsync(lab, node1);

        var again = await KubeRecover.RunAsync(lab, "node2", "recover", "-i", lab.Env.Inventory, "--yes", "--state-dir", state + "-again");
        Assert.True(again.ExitCode == 0, again.StdErr);
        Assert.Contains("Nothing to do", again.StdOut);
        Assert.False(Directory.Exists(state + "-again"), "a no-op recover creates no state directory");
    }

    [SkippableFact]
    public async Task Strip_keeps_the_service_without_the_address()
    {
        lab.EnsureReady();
        await RecoveredCluster.HealAsync(lab);
        await lab.BreakAsync();
        var node1 = lab.Env.Address("node1");
        var recover = await KubeRecover.RunAsync(lab, "node2", "recover", "-i", lab.Env.Inventory, "--yes", "--action", "strip",
            "--state-dir", Path.Combine(lab.Env.RunDir, "state-strip"));
        Assert.True(recover.ExitCode == 0, $"recover exit {recover.ExitCode}\n{recover.StdOut}\n{recover.StdErr}");

        await RecoveredCluster.AssertHealthyAsync(lab, node1);
        var service = await RecoveredCluster.KubectlAsync(lab, "node3", "get", "service", "-n", "default", "nginx-service", "-o", "json");
        Assert.True(service.Succeeded, service.StdErr);
        using var json = JsonDocument.Parse(service.StdOut);
        var spec = json.RootElement.GetProperty("spec");
        Assert.True(!spec.TryGetProperty("externalIPs", out var ips) || ips.GetArrayLength() == 0, $"externalIPs left: {service.StdOut}");
        Assert.Equal("app", spec.GetProperty("selector").EnumerateObject().Single().Name);
        await RecoveredCluster.AssertStaysOffAsync(lab, node1);

        (await RecoveredCluster.KubectlAsync(lab, "node1", "delete", "service", "-n", "default", "nginx-service")).EnsureSuccess("clean up");
    }

    [SkippableFact]
    public async Task Refuses_to_act_without_a_terminal_and_without_yes()
    {
        lab.EnsureReady();
        await RecoveredCluster.HealAsync(lab);
        await lab.BreakAsync();
        var before = await ClusterSnapshot.TakeAsync(lab);
        var refused = await KubeRecover.RunAsync(lab, "node2", "recover", "-i", lab.Env.Inventory, "--state-dir", Path.Combine(lab.Env.RunDir, "state-refused"));
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("--yes", refused.StdErr);
        (await ClusterSnapshot.TakeAsync(lab)).AssertUnchangedSince(before, "a refused recover");

        var heal = await KubeRecover.RunAsync(lab, "node2", "recover", "-i", lab.Env.Inventory, "--yes", "--state-dir", Path.Combine(lab.Env.RunDir, "state-heal"));
        Assert.True(heal.ExitCode == 0, heal.StdErr);
        await RecoveredCluster.AssertHealthyAsync(lab, lab.Env.Address("node1"));
    }

    [SkippableFact]
    public async Task Kill_9_during_unbind_then_resume_finishes_and_a_second_run_is_a_no_op()
    {
        lab.EnsureReady();
        await RecoveredCluster.HealAsync(lab);
        await lab.BreakAsync();
        var node1 = lab.Env.Address("node1");
        var state = Path.Combine(lab.Env.RunDir, "state-killed");
        // Started in the background at node2's console; killed with SIGKILL as soon as a journal records an Unbind step.
        var killed = await lab.BashAsync("node2",
            $"'{KubeRecover.Executable}' recover -i '{lab.Env.Inventory}' --yes --state-dir '{state}' >/dev/null 2>&1 & pid=$!; " +
            $"for i in $(seq 1 600); do if grep -qs '\"unbind/' '{state}'/journal.jsonl '{state}'/local-first/journal.jsonl; then kill -9 $pid; echo killed; exit 0; fi; sleep 0.05; done; " +
            "kill -9 $pid; echo never-reached-unbind; exit 1");
        Assert.True(killed.Succeeded, $"{killed.StdOut}\n{killed.StdErr}");
        Assert.Contains("killed", killed.StdOut);

        var resume = await KubeRecover.RunAsync(lab, "node2", "recover", "--resume", state, "-i", lab.Env.Inventory, "--yes");
        Assert.True(resume.ExitCode == 0, $"resume exit {resume.ExitCode}\n{resume.StdOut}\n{resume.StdErr}");
        await RecoveredCluster.AssertHealthyAsync(lab, node1);
        Assert.Contains("NotFound", (await RecoveredCluster.KubectlAsync(lab, "node3", "get", "service", "nginx-service")).StdErr);

        var again = await KubeRecover.RunAsync(lab, "node2", "recover", "-i", lab.Env.Inventory, "--yes", "--state-dir", state + "-again");
        Assert.True(again.ExitCode == 0, again.StdErr);
        Assert.Contains("Nothing to do", again.StdOut);
    }
}
