using Recovery.LabTests.Recovery;

namespace Recovery.LabTests.Drills;

/// <summary>
/// SSH refusals, from node2's console on the broken lab: node3's host key wrong in known_hosts, node3 missing from it,
/// an identity file no node accepts. The tool names the node and the reason, runs nothing there (its state unchanged),
/// and `diagnose`/`plan` change nothing anywhere. (sudo asking for a password: tests/Recovery.Tests/Access/SshUsersTests
/// against a real sshd with a non-root user; the lab's nodes have root only.)
/// </summary>
[Collection(DrillsLabCollection.Name)]
public sealed class SshDrills(DrillsLab lab)
{
    [SkippableTheory]
    [InlineData("wrong-host-key", "node3", "does NOT match")]
    [InlineData("unknown-host", "node3", "is not in")]
    [InlineData("wrong-identity", "node3", "refused the login as root")]
    public async Task Ssh_refusal_names_the_node_and_changes_nothing(string fault, string node, string reason)
    {
        lab.EnsureReady();
        await Drill.BrokenUntouchedAsync(lab);
        var dir = Path.Combine(lab.Env.RunDir, "ssh-drill-" + fault);
        Directory.CreateDirectory(dir);
        var knownHosts = File.ReadAllLines(lab.Env.KnownHosts);
        var address3 = lab.Env.Address("node3") + " ";
        var inventory = File.ReadAllText(lab.Env.Inventory);
        switch (fault)
        {
            case "wrong-host-key":
                var other = await NewKeyAsync(dir);
                File.WriteAllLines(Path.Combine(dir, "known_hosts"), knownHosts.Select(l => l.StartsWith(address3, StringComparison.Ordinal) ? address3 + other : l));
                inventory = inventory.Replace(lab.Env.KnownHosts, Path.Combine(dir, "known_hosts"), StringComparison.Ordinal);
                break;
            case "unknown-host":
                File.WriteAllLines(Path.Combine(dir, "known_hosts"), knownHosts.Where(l => !l.StartsWith(address3, StringComparison.Ordinal)));
                inventory = inventory.Replace(lab.Env.KnownHosts, Path.Combine(dir, "known_hosts"), StringComparison.Ordinal);
                break;
            default:
                await NewKeyAsync(dir);
                inventory = inventory.Replace(lab.Env.SshKey, Path.Combine(dir, "id_ed25519"), StringComparison.Ordinal);
                break;
        }
        var path = Path.Combine(dir, "inventory.yaml");
        File.WriteAllText(path, inventory);

        var before = await DrillSnapshot.TakeAsync(lab);
        var diagnose = await KubeRecover.RunAsync(lab, "node2", "diagnose", "-i", path);
        Assert.True(diagnose.ExitCode is 3, Drill.Report(diagnose));
        var line = diagnose.StdErr.Split('\n').FirstOrDefault(l => l.Contains(node + ":", StringComparison.Ordinal) && l.Contains(reason, StringComparison.Ordinal));
        Assert.True(line is not null, $"no line names {node} and '{reason}':\n{diagnose.StdErr}");
        Assert.DoesNotContain("   at ", diagnose.StdErr);
        var plan = await KubeRecover.RunAsync(lab, "node2", "plan", "-i", path);
        Assert.True(plan.ExitCode == 0, Drill.Report(plan));
        Assert.Contains($"{node} did not answer", plan.StdOut);
        (await DrillSnapshot.TakeAsync(lab)).AssertUnchangedSince(before, $"diagnose and plan with {fault}");
        Drill.LeftUntouched(lab);
    }

    /// <summary>A fresh ed25519 key pair in DIR (id_ed25519); returns the public key as "TYPE BASE64".</summary>
    private async Task<string> NewKeyAsync(string dir)
    {
        var key = Path.Combine(dir, "id_ed25519");
        File.Delete(key);
        File.Delete(key + ".pub");
        (await lab.ConsoleAsync("node2", "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key)).EnsureSuccess("ssh-keygen");
        return string.Join(' ', File.ReadAllText(key + ".pub").Split(' ').Take(2));
    }
}
