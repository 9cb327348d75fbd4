using Recovery.LabTests.Recovery;

namespace Recovery.LabTests.Drills;

/// <summary>What every drill needs: a state folder per run, kube-recover killed at a phase, and the "nothing lost" check.</summary>
public static class Drill
{
    /// <summary>Phases as the journal names them (journal.jsonl "phase").</summary>
    public static readonly string[] Phases = ["FixFirst", "Contain", "Unbind", "VerifyReach", "FixObject", "Restore", "Verify"];

    /// <summary>The Service fix, whichever phase makes it: FixFirst where an API answered the survey with the claim, else FixObject.</summary>
    public const string ServiceFix = "FixFirst|FixObject";

    /// <summary>
    /// Heals the lab (node3's sshd and etcd, the API servers, then RecoveredCluster.HealAsync), then breaks it. The lab's
    /// break can time out on a loaded machine (etcd re-electing while the hijack spreads): then heal and break once more.
    /// </summary>
    public static async Task BreakAsync(DrillsLab lab)
    {
        lab.UntouchedSinceBreak = false;
        await ReviveAsync(lab);
        // A stop marker an earlier failed drill left behind: each drill starts from a cluster no run has touched.
        foreach (var node in lab.Env.Nodes) await lab.BashAsync(node, "rm -f /var/lib/kube-recover/stopped/kube-proxy");
        await RecoveredCluster.HealAsync(lab);
        try
        {
            await lab.BreakAsync();
        }
        catch (InvalidOperationException)
        {
            await RecoveredCluster.HealAsync(lab);
            await lab.BreakAsync();
        }
    }

    /// <summary>
    /// For drills that must change nothing: the lab as `lab.sh break` left it, reused when the drill before showed it
    /// changed nothing (a heal and a break cost about 40 s). Call <see cref="LeftUntouched"/> once the drill has
    /// compared the cluster with its snapshot; a drill that fails before that leaves the next one a fresh break.
    /// </summary>
    public static async Task BrokenUntouchedAsync(DrillsLab lab)
    {
        if (!lab.UntouchedSinceBreak)
        {
            await BreakAsync(lab);
        }
        lab.UntouchedSinceBreak = false;
    }

    /// <summary>The drill compared the cluster with its snapshot: nothing changed, the next drill may reuse the lab.</summary>
    public static void LeftUntouched(DrillsLab lab) => lab.UntouchedSinceBreak = true;

    /// <summary>Whatever a drill stopped: node3's sshd and etcd, the API servers' manifests.</summary>
    public static async Task ReviveAsync(LabFixture lab)
    {
        await lab.BashAsync("node3", "systemctl is-active --quiet ssh || systemctl start ssh; systemctl is-active --quiet etcd || systemctl start etcd");
        if (await ApiServers.AreDownAsync(lab))
        {
            await ApiServers.UpAsync(lab);
        }
    }

    public static string StateDir(LabFixture lab, string name) => Path.Combine(lab.Env.RunDir, "drill-" + name + "-" + Guid.NewGuid().ToString("N")[..6]);

    /// <summary>The lab's inventory with kube-proxy's manager named for every node, so a node that does not answer
    /// still gets exact (deferred) steps instead of a warning.</summary>
    public static string InventoryWithManagers(LabFixture lab)
    {
        var path = Path.Combine(lab.Env.RunDir, "inventory-managers.yaml");
        var text = File.ReadAllText(lab.Env.Inventory)
            .Replace("roles: [control-plane, etcd] }", "roles: [control-plane, etcd], kubeProxy: { manager: systemd } }", StringComparison.Ordinal);
        Assert.Contains("manager: systemd", text);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>
    /// Starts `kube-recover recover ARGS --state-dir STATE` in the background at NODE's console and SIGKILLs it as soon
    /// as a journal (stage 1's or the main one) records the start of a step of PHASE (an extended regex: phases may be
    /// given as alternatives, e.g. <see cref="ServiceFix"/>); then runs AFTER (bash, same
    /// console) if given. Fails when the run ended before reaching the phase.
    /// </summary>
    public static async Task KillAtPhaseAsync(LabFixture lab, string node, string state, string phase, IEnumerable<string> args, string? after = null)
    {
        var argv = string.Join(' ', args.Select(a => $"'{a}'"));
        var journals = $"'{state}'/journal.jsonl '{state}'/local-first/journal.jsonl";
        var result = await lab.BashAsync(node,
            $"'{KubeRecover.Executable}' recover {argv} --yes --state-dir '{state}' >'{state}.out' 2>&1 & pid=$!; " +
            $"for i in $(seq 1 15000); do if grep -qsE '\"event\":\"step-start\",\"phase\":\"({phase})\"' {journals}; then kill -9 $pid; wait $pid; echo killed; {after ?? "true"}; exit 0; fi; " +
            "kill -0 $pid 2>/dev/null || { echo ended-before-phase; exit 1; }; sleep 0.02; done; kill -9 $pid; echo never-reached; exit 1");
        Assert.True(result.Succeeded && result.StdOut.Contains("killed", StringComparison.Ordinal),
            $"kube-recover was not killed in phase {phase}: {result.StdOut}\n{result.StdErr}\n{(File.Exists(state + ".out") ? File.ReadAllText(state + ".out") : "")}");
    }

    /// <summary>Nothing was lost: the deleted Service was saved (kubectl YAML with the address, or an etcd backup) in the state folder.</summary>
    public static void AssertServiceSaved(string address, params string[] states)
    {
        var saved = states.Where(Directory.Exists)
            .SelectMany(s => Directory.EnumerateFiles(s, "*", SearchOption.AllDirectories))
            .Where(f => Path.GetFileName(f) is var n && (n.StartsWith("service.default.nginx-service", StringComparison.Ordinal) || n.StartsWith("backup-", StringComparison.Ordinal)))
            .ToList();
        Assert.True(saved.Count > 0, $"the Service was deleted but nothing in {string.Join(", ", states)} holds it");
        Assert.Contains(saved, f => File.ReadAllText(f).Contains(Path.GetFileName(f).StartsWith("backup-", StringComparison.Ordinal) ? "nginx-service" : address, StringComparison.Ordinal));
    }

    public static async Task AssertServiceGoneAsync(LabFixture lab, string node = "node2") =>
        Assert.Contains("NotFound", (await RecoveredCluster.KubectlAsync(lab, node, "get", "service", "-n", "default", "nginx-service")).StdErr);

    public static string Report(LabCommandResult r) => $"exit {r.ExitCode}\n--- stdout ---\n{r.StdOut}\n--- stderr ---\n{r.StdErr}";
}
