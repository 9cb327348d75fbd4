using Recovery.Access;
using Recovery.Inventory;
using Recovery.Inventory.SshConfig;

namespace Recovery.Tests.Access;

/// <summary>
/// ProxyJump from ~/.ssh/config against a real sshd that is both the jump host (by the alias `bastion`) and the target
/// (node1 at 127.0.0.1): the target is reached through a forward on the jump, and its host key is checked under the
/// target's own name and port, never the forward's loopback port, nor the jump's entry.
/// </summary>
[Collection(SshdCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ProxyJumpTests(SshdFixture sshd)
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    private Task<INodeShell> Connect(string knownHostsText, string jump = "bastion")
    {
        var knownHosts = sshd.NewKnownHostsPath();
        File.WriteAllText(knownHosts, knownHostsText);
        var ssh = sshd.Settings(knownHosts);
        var config = SshConfigFile.Parse($"""
            Host node1
              ProxyJump {jump}
            Host bastion second
              HostName 127.0.0.1
              Port {sshd.Port}
            """, "config", "/nonexistent");
        var inventory = SshdFixture.Inventory(ssh) with { SshConfig = config };
        return new NodeConnector(inventory, ssh, null, new TestSecrets(), "/nonexistent").ConnectAsync(inventory.FindByName("node1")!);
    }

    private string JumpEntry => $"[bastion]:{sshd.Port} {sshd.HostKeyEd25519.Type} {sshd.HostKeyEd25519.Base64}\n";

    [Fact]
    public async Task The_target_is_reached_through_the_jump_and_runs_commands()
    {
        int Logins() => sshd.Log.Split("Accepted publickey").Length - 1;
        var before = Logins();
        await using (var shell = await Connect(JumpEntry + sshd.HostEntry(sshd.HostKeyEd25519)))
        {
            Assert.Contains("through jump host bastion", shell.Way, StringComparison.Ordinal);
            Assert.Equal("node1", shell.Node.Name);
            var result = await shell.RunAsync(ShellCommand.Of("echo", "through"), Limit);
            Assert.Equal("through\n", result.StdOut);
        }
        // Two logins: the jump host's and the target's over the forward. sshd's log reaches the fixture asynchronously
        // (its stderr, read by an event): wait for the lines rather than sample once (a loaded run failed on that).
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (Logins() - before < 2 && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.True(Logins() - before >= 2, sshd.Log);
    }

    [Fact]
    public async Task A_chain_of_two_hops_reaches_the_target_through_both()
    {
        // The second hop is reached through the first's forward; its key is checked under its own host (127.0.0.1).
        await using var shell = await Connect(JumpEntry + sshd.HostEntry(sshd.HostKeyEd25519), "bastion,second");
        Assert.Contains("through jump host bastion", shell.Way, StringComparison.Ordinal);
        Assert.Contains("then second", shell.Way, StringComparison.Ordinal);
        Assert.Equal("chained\n", (await shell.RunAsync(ShellCommand.Of("echo", "chained"), Limit)).StdOut);
    }

    [Fact]
    public async Task The_target_key_is_checked_under_the_targets_name_not_the_jumps_entry()
    {
        // known_hosts trusts the key only for the jump's alias: the target (node1 at [127.0.0.1]:port) is unknown there.
        var error = await Assert.ThrowsAsync<HostKeyRejectedException>(() => Connect(JumpEntry));
        Assert.Equal("node1", error.Node);
        Assert.Equal($"[127.0.0.1]:{sshd.Port}", error.Address);
        Assert.Equal(HostKeyOutcome.Unknown, error.Outcome);
    }

    [Fact]
    public async Task An_unknown_jump_host_is_refused_before_anything_reaches_the_target()
    {
        var error = await Assert.ThrowsAsync<HostKeyRejectedException>(() => Connect(sshd.HostEntry(sshd.HostKeyEd25519).Replace("127.0.0.1", "127.9.9.9", StringComparison.Ordinal)));
        Assert.Equal("bastion", error.Node);
    }
}
