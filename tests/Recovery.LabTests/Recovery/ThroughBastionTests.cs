using Recovery.LabTests.Lab;

namespace Recovery.LabTests.Recovery;

/// <summary>
/// Issue 13: the operator's ~/.ssh/config reaches node2 through a bastion (`lab.sh up --bastion yes`: a namespace on a
/// link of its own to node1, the console, and to node2, that forwards no packets). `diagnose` from node1 with an
/// inventory naming node2 reads node2 through the jump, as node2's own sshd shows: the login comes from the bastion's side.
/// </summary>
[Collection(Name)]
public sealed class ThroughBastionTests(ThroughBastionTests.Fixture lab) : IClassFixture<ThroughBastionTests.Fixture>
{
    public const string Name = "lab-bastion";

    private const string BastionSideOfNode2 = "10.78.0.1";

    [SkippableFact]
    public async Task Diagnose_reads_node2_through_the_ProxyJump_of_the_operators_ssh_config()
    {
        lab.EnsureReady();
        var bastion = lab.Env.Values["LAB_BASTION"];
        // The bastion reaches node2 only: not node1's or node3's cluster address.
        var fromConsole = await lab.ConsoleAsync("node1", "timeout", "5", "bash", "-c", $"</dev/tcp/{bastion}/22");
        Assert.True(fromConsole.Succeeded, $"node1 does not reach the bastion at {bastion}: {fromConsole.StdErr}");
        var fromBastion = await lab.Script.RunAsync(["console", "bastion", "--", "timeout", "5", "bash", "-c", $"</dev/tcp/{lab.Env.Address("node2")}/22"]);
        Assert.True(fromBastion.Succeeded, $"the bastion does not reach node2: {fromBastion.StdErr}");
        await AssertBastionCannotReachAsync(lab.Env.Address("node3").ToString());
        await AssertBastionCannotReachAsync(lab.Env.Address("node1").ToString());

        var sshDir = Path.Combine(lab.Env.RunDir, "nodes", "node1", "root", ".ssh");
        Directory.CreateDirectory(sshDir);
        File.Copy(lab.Env.Values["LAB_BASTION_SSH_CONFIG"], Path.Combine(sshDir, "config"), overwrite: true);
        try
        {
            var node2 = lab.Env.Address("node2");
            var diagnose = await KubeRecover.RunAsync(lab, "node1", "diagnose", "--node", $"node2={node2},control-plane,etcd",
                "--identity", lab.Env.SshKey, "--known-hosts", lab.Env.KnownHosts, "-v");
            Assert.True(diagnose.ExitCode == 0, $"diagnose exit {diagnose.ExitCode}\n{diagnose.StdOut}\n{diagnose.StdErr}");
            Assert.Contains($"IPv4 {node2} through jump host bastion ({bastion}:22)", diagnose.StdOut, StringComparison.Ordinal);
            // Where the setting came from, file:line.
            Assert.Contains("through bastion", diagnose.StdErr, StringComparison.Ordinal);
            Assert.Contains("/root/.ssh/config:3", diagnose.StdErr, StringComparison.Ordinal);

            // node2's own sshd saw the login from the bastion's side of their link (its log is written as it goes: wait for it).
            var log = Path.Combine(lab.Env.RunDir, "nodes", "node2", "run", "lab-systemd", "ssh.service", "log");
            await Poll.UntilAsync(
                async () => File.Exists(log) && (await File.ReadAllTextAsync(log)).Contains($"Accepted publickey for root from {BastionSideOfNode2} ", StringComparison.Ordinal),
                $"node2's sshd logs a login from the bastion ({BastionSideOfNode2})");
        }
        finally
        {
            File.Delete(Path.Combine(sshDir, "config"));
        }
    }

    private async Task AssertBastionCannotReachAsync(string address)
    {
        var attempt = await lab.Script.RunAsync(["console", "bastion", "--", "timeout", "3", "bash", "-c", $"</dev/tcp/{address}/22"]);
        Assert.NotEqual(0, attempt.ExitCode);
    }

    public sealed class Fixture : LabFixture
    {
        protected override string Name => "bastion";

        protected override IReadOnlyList<string> UpArguments => ["--bastion", "yes"];
    }
}
