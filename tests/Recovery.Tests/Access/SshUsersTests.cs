using Recovery.Access;

namespace Recovery.Tests.Access;

/// <summary>Non-root logins against the real sshd: sudo with and without NOPASSWD, and password logins.</summary>
[Collection(SshdCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SshUsersTests(SshdFixture sshd)
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    private static Task<INodeShell> Connect(Recovery.Inventory.SshSettings ssh, ISecretSource? secrets = null) =>
        new NodeConnector(SshdFixture.Inventory(ssh), ssh, null, secrets ?? new TestSecrets(), "/nonexistent")
            .ConnectAsync(SshdFixture.Inventory(ssh).Nodes[0]);

    [SkippableFact]
    public async Task Non_root_user_runs_commands_through_passwordless_sudo()
    {
        Skip.IfNot(sshd.SudoAvailable, "useradd or sudo is not available here");
        await using var shell = await Connect(sshd.Settings(sshd.KnownHostsTrusting(), user: sshd.SudoUser));
        Assert.True(((SshShell)shell).UsesSudo);
        var result = await shell.RunAsync(ShellCommand.Of("id", "-un"), Limit);
        Assert.Equal("root\n", result.StdOut);
        var secret = Path.Combine(sshd.Directory, $"root-only-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(secret, "pki");
        File.SetUnixFileMode(secret, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.Equal("pki"u8.ToArray(), await shell.ReadFileAsync(secret));
    }

    [SkippableFact]
    public async Task Sudo_command_over_its_limit_is_gone_from_the_node()
    {
        Skip.IfNot(sshd.SudoAvailable, "useradd or sudo is not available here");
        var marker = $"{Random.Shared.Next(510000, 599999)}";
        await using var shell = await Connect(sshd.Settings(sshd.KnownHostsTrusting(), user: sshd.SudoUser));
        var result = await shell.RunAsync(ShellCommand.Of("sh", "-c", $"sleep {marker}; echo never"), TimeSpan.FromSeconds(2));
        Assert.Equal(124, result.ExitCode);
        Assert.Equal("", Processes.LiveProcesses($"sleep {marker}"));
    }

    [SkippableFact]
    public async Task Sudo_that_wants_a_password_is_a_clear_error_at_connect()
    {
        Skip.IfNot(sshd.SudoAvailable, "useradd or sudo is not available here");
        var error = await Assert.ThrowsAsync<SudoRefusedException>(
            () => Connect(sshd.Settings(sshd.KnownHostsTrusting(), user: sshd.SudoPasswordUser)));
        Assert.Equal("node1", error.Node);
        Assert.StartsWith($"sudo on node1 needs a password; configure NOPASSWD for {sshd.SudoPasswordUser} on node1", error.Message);
        Assert.Contains("or connect as root", error.Message);
    }

    [SkippableFact]
    public async Task Sudo_requiring_a_tty_is_a_clear_error()
    {
        Skip.IfNot(sshd.SudoAvailable, "useradd or sudo is not available here");
        // Old RHEL-family defaults (Kylin included) can carry `Defaults requiretty`. Tests of a collection run one by one,
        // so this drop-in affects no other test; it is removed before the test ends.
        var dropIn = $"/etc/sudoers.d/kr-test-tty-{sshd.Id}";
        File.WriteAllText(dropIn, $"Defaults:{sshd.SudoUser} requiretty\n");
        File.SetUnixFileMode(dropIn, UnixFileMode.UserRead | UnixFileMode.GroupRead);
        try
        {
            var error = await Assert.ThrowsAsync<SudoRefusedException>(
                () => Connect(sshd.Settings(sshd.KnownHostsTrusting(), user: sshd.SudoUser)));
            Assert.StartsWith("sudo on node1 requires a terminal (Defaults requiretty)", error.Message);
        }
        finally
        {
            File.Delete(dropIn);
        }
    }

    [SkippableFact]
    public async Task Password_login_takes_the_password_from_the_named_environment_variable()
    {
        Skip.IfNot(sshd.SudoAvailable, "useradd or sudo is not available here");
        var variable = $"KR_TEST_PASSWORD_{sshd.Id}";
        Environment.SetEnvironmentVariable(variable, sshd.Password);
        try
        {
            var ssh = sshd.Settings(sshd.KnownHostsTrusting(), user: sshd.PasswordUser) with { IdentityFile = null, PasswordEnv = variable };
            await using var shell = await Connect(ssh, new ConsoleSecretSource());
            var whoami = await shell.RunAsync(ShellCommand.Of("sh", "-c", "echo $SUDO_USER; id -un"), Limit);
            Assert.Equal($"{sshd.PasswordUser}\nroot\n", whoami.StdOut);

            Environment.SetEnvironmentVariable(variable, "wrong-" + sshd.Password);
            var refused = await Assert.ThrowsAsync<NodeConnectException>(() => Connect(ssh, new ConsoleSecretSource()));
            Assert.Contains($"refused the login as {sshd.PasswordUser}", refused.Message);
            Assert.DoesNotContain(sshd.Password, refused.ToString());
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public async Task Unset_password_variable_is_named_in_the_error()
    {
        var ssh = sshd.Settings(sshd.KnownHostsTrusting()) with { PasswordEnv = "KR_TEST_UNSET_VARIABLE" };
        var error = await Assert.ThrowsAsync<SshCredentialException>(() => Connect(ssh));
        Assert.Contains("KR_TEST_UNSET_VARIABLE", error.Message);
    }
}
