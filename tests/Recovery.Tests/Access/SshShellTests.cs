using System.Net.Sockets;
using System.Text;
using Recovery.Access;
using Recovery.Inventory;

namespace Recovery.Tests.Access;

/// <summary>SshShell against a real OpenSSH sshd: host keys, logins, commands, timeouts, files, tunnels.</summary>
[Collection(SshdCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SshShellTests(SshdFixture sshd) : ShellContractTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    private protected override Task<INodeShell> OpenAsync() => Connect(sshd.Settings(sshd.KnownHostsTrusting()));

    private Task<INodeShell> Connect(SshSettings ssh, ISecretSource? secrets = null, string localHostKeys = "/nonexistent", string? local = null)
    {
        var connector = new NodeConnector(SshdFixture.Inventory(ssh), ssh, local, secrets ?? new TestSecrets(), localHostKeys);
        return connector.ConnectAsync(SshdFixture.Inventory(ssh).FindByName("node1")!);
    }

    [Fact]
    public async Task Known_key_is_accepted_and_commands_run()
    {
        await using var shell = await Connect(sshd.Settings(sshd.KnownHostsTrusting()));
        var result = await shell.RunAsync(ShellCommand.Of("id", "-un"), Limit);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("root\n", result.StdOut);
        Assert.False(shell.IsLocal);
    }

    [Theory]
    [InlineData("ecdsa")]
    [InlineData("rsa")]
    public async Task Other_key_types_log_in(string type)
    {
        await using var shell = await Connect(sshd.Settings(sshd.KnownHostsTrusting(), identity: sshd.ClientKey(type)));
        Assert.Equal("ok\n", (await shell.RunAsync(ShellCommand.Of("echo", "ok"), Limit)).StdOut);
    }

    [Fact]
    public async Task Unknown_host_key_is_refused_with_the_real_fingerprint()
    {
        var knownHosts = sshd.NewKnownHostsPath();
        var error = await Assert.ThrowsAsync<HostKeyRejectedException>(() => Connect(sshd.Settings(knownHosts)));
        Assert.Equal(HostKeyOutcome.Unknown, error.Outcome);
        Assert.Equal(sshd.HostKeyEd25519Fingerprint, error.Fingerprint);
        Assert.Contains("--accept-new-host-keys", error.Message);
        Assert.False(File.Exists(knownHosts));
    }

    [Fact]
    public async Task Unknown_host_key_is_appended_with_accept_new_and_trusted_afterwards()
    {
        var knownHosts = sshd.NewKnownHostsPath();
        var ssh = sshd.Settings(knownHosts) with { AcceptNewHostKeys = true };
        var connector = new NodeConnector(SshdFixture.Inventory(ssh), ssh, null, new TestSecrets(), "/nonexistent");
        var accepted = new List<string>();
        connector.KeyAccepted += accepted.Add;
        await using (await connector.ConnectAsync(SshdFixture.Inventory(ssh).Nodes[0]))
        {
        }
        Assert.Equal($"[127.0.0.1]:{sshd.Port} ssh-ed25519 {sshd.HostKeyEd25519.Base64}\n", File.ReadAllText(knownHosts));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(knownHosts));
        Assert.Contains(sshd.HostKeyEd25519Fingerprint, Assert.Single(accepted));
        // The real ssh-keygen finds what we wrote.
        Assert.Contains(sshd.HostKeyEd25519Fingerprint,
            Processes.MustRun("ssh-keygen", "-l", "-F", $"[127.0.0.1]:{sshd.Port}", "-f", knownHosts));
        await using var again = await Connect(sshd.Settings(knownHosts));
        Assert.Equal(0, (await again.RunAsync(ShellCommand.Of("true"), Limit)).ExitCode);
    }

    [Fact]
    public async Task Mismatched_host_key_is_refused_even_with_accept_new()
    {
        var knownHosts = sshd.NewKnownHostsPath();
        var other = HostKey.ReadPublicKeyFile(Processes.Fixture("keys/alt-ed25519.pub"));
        File.WriteAllText(knownHosts, sshd.HostEntry(other));
        var error = await Assert.ThrowsAsync<HostKeyRejectedException>(
            () => Connect(sshd.Settings(knownHosts) with { AcceptNewHostKeys = true }));
        Assert.Equal(HostKeyOutcome.Mismatch, error.Outcome);
        Assert.Null(error.Owner);
        Assert.Contains("does NOT match", error.Message);
        Assert.Contains(other.Fingerprint, error.Message);
        Assert.Equal(sshd.HostEntry(other), File.ReadAllText(knownHosts));
    }

    [Fact]
    public async Task Key_of_another_inventory_node_is_the_hijack()
    {
        // node1's address answers with the key known_hosts has for node2: node1's traffic is routed to node2.
        var knownHosts = sshd.NewKnownHostsPath();
        var node1Key = HostKey.ReadPublicKeyFile(Processes.Fixture("keys/node1-ed25519.pub"));
        File.WriteAllText(knownHosts,
            sshd.HostEntry(node1Key) + $"[127.0.0.2]:{sshd.Port} ssh-ed25519 {sshd.HostKeyEd25519.Base64}\n");
        var error = await Assert.ThrowsAsync<HostKeyRejectedException>(() => Connect(sshd.Settings(knownHosts)));
        Assert.Equal(HostKeyOutcome.Mismatch, error.Outcome);
        Assert.Equal("node2", error.Owner);
        Assert.False(error.OwnerIsLocal);
        Assert.StartsWith($"host key offered at [127.0.0.1]:{sshd.Port} belongs to node2: node1's address is answered by node2", error.Message);
    }

    [Fact]
    public async Task Key_of_this_node_is_the_hijack_and_says_fix_this_node_first()
    {
        // This machine is node2 and its own sshd host key is what node1's address offers; node1 is not yet known.
        var hostKeys = Directory.CreateDirectory(Path.Combine(sshd.Directory, $"etc-ssh-{Guid.NewGuid():N}")).FullName;
        File.Copy(Path.Combine(sshd.Directory, "host_ed25519.pub"), Path.Combine(hostKeys, "ssh_host_ed25519_key.pub"));
        var knownHosts = sshd.NewKnownHostsPath();
        var error = await Assert.ThrowsAsync<HostKeyRejectedException>(
            () => Connect(sshd.Settings(knownHosts) with { AcceptNewHostKeys = true }, localHostKeys: hostKeys, local: "node2"));
        Assert.Equal(HostKeyOutcome.Unknown, error.Outcome);
        Assert.True(error.OwnerIsLocal);
        Assert.Equal(
            $"host key offered at [127.0.0.1]:{sshd.Port} belongs to node2 (this node): node1's address is routed to node2 — "
            + "the hijacked-address lockout. Fix this node first (kube-recover recover runs here locally), then retry.",
            error.Message);
        Assert.False(File.Exists(knownHosts), "a hijacker's key must never be accepted as new");
    }

    [Fact]
    public async Task Revoked_key_is_refused_even_when_also_listed_as_trusted()
    {
        var knownHosts = sshd.NewKnownHostsPath();
        var key = sshd.HostKeyEd25519;
        File.WriteAllText(knownHosts, $"@revoked * {key.Type} {key.Base64}\n" + sshd.HostEntry(key));
        var error = await Assert.ThrowsAsync<HostKeyRejectedException>(() => Connect(sshd.Settings(knownHosts)));
        Assert.Equal(HostKeyOutcome.Revoked, error.Outcome);
        Assert.Contains("@revoked", error.Message);
    }

    [Fact]
    public async Task Hashed_entry_written_by_ssh_keygen_is_trusted()
    {
        var knownHosts = sshd.KnownHostsTrusting();
        Processes.MustRun("ssh-keygen", "-q", "-H", "-f", knownHosts);
        Assert.StartsWith("|1|", File.ReadAllText(knownHosts));
        await using var shell = await Connect(sshd.Settings(knownHosts));
        Assert.Equal(0, (await shell.RunAsync(ShellCommand.Of("true"), Limit)).ExitCode);
    }

    [Fact]
    public async Task Host_known_only_by_its_rsa_key_is_asked_for_that_key()
    {
        // SSH.NET prefers ed25519; without narrowing to known types this would look like a mismatch.
        var knownHosts = sshd.NewKnownHostsPath();
        File.WriteAllText(knownHosts, sshd.HostEntry(sshd.HostKeyRsa));
        await using var shell = await Connect(sshd.Settings(knownHosts));
        Assert.Equal(0, (await shell.RunAsync(ShellCommand.Of("true"), Limit)).ExitCode);
    }

    [Fact]
    public async Task Exit_codes_and_stderr_pass_through()
    {
        await using var shell = await Connect(sshd.Settings(sshd.KnownHostsTrusting()));
        var result = await shell.RunAsync(ShellCommand.Of("sh", "-c", "echo out; echo err >&2; exit 7"), Limit);
        Assert.Equal(7, result.ExitCode);
        Assert.Equal("out\n", result.StdOut);
        Assert.Equal("err\n", result.StdErr);
        var missing = await shell.RunAsync(ShellCommand.Of("no-such-command-kr"), Limit);
        Assert.Equal(127, missing.ExitCode);
        Assert.Contains("no-such-command-kr", missing.StdErr);
    }

    [Fact]
    public async Task Grandchild_ignoring_TERM_is_killed_although_its_parent_died()
    {
        // Plain `timeout --kill-after` leaves this one behind: its direct child dies of TERM, so it never sends KILL.
        var marker = $"{Random.Shared.Next(810000, 899999)}";
        await using var shell = await Connect(sshd.Settings(sshd.KnownHostsTrusting()));
        var inner = ShellCommand.Of("sh", "-c", $"trap '' TERM; sleep {marker}").Render();
        var result = await shell.RunAsync(ShellCommand.Of("sh", "-c", inner), TimeSpan.FromSeconds(1));
        Assert.True(result.TimedOut, $"exit {result.ExitCode}");
        Assert.Equal("", Processes.LiveProcesses($"sleep {marker}"));
    }

    [Fact]
    public async Task Shell_metacharacters_are_inert_through_the_real_remote_shell()
    {
        var witness = Path.Combine(sshd.Directory, $"pwned-{Guid.NewGuid():N}");
        string[] words =
        [
            $"$(touch {witness})", $"`touch {witness}`", $"a; touch {witness}", $"x | touch {witness}", $"y && touch {witness}",
            "it's \"quoted\" \\ back", "two  spaces", "$HOME ${PATH} $1 $@", "* ? [a] ~root !event", "节点-ü-ε-🚀", "", "-n", "'", "\"",
        ];
        await using var shell = await Connect(sshd.Settings(sshd.KnownHostsTrusting()));
        foreach (var word in words)
        {
            var result = await shell.RunAsync(ShellCommand.Of("printf", "%s", word), Limit);
            Assert.Equal(0, result.ExitCode);
            Assert.Equal(word, result.StdOut);
        }
        var path = Path.Combine(sshd.Directory, "dir with $(touch x) ' and 节点");
        await File.WriteAllTextAsync(path, "content ü");
        Assert.Equal("content ü"u8.ToArray(), await shell.ReadFileAsync(path));
        Assert.False(File.Exists(witness));
    }

    [Fact]
    public async Task Control_characters_are_refused_before_anything_is_sent()
    {
        await using var shell = await Connect(sshd.Settings(sshd.KnownHostsTrusting()));
        foreach (var word in new[] { "a\nb", "a\0b", "a\rb", "\u001b[31m", "a\u2028b" })
        {
            Assert.Throws<UnsafeShellWordException>(() => ShellCommand.Of("echo", word));
            await Assert.ThrowsAsync<UnsafeShellWordException>(() => shell.ReadFileAsync("/tmp/" + word));
        }
    }

    [Fact]
    public async Task Files_are_read_whole_and_missing_files_name_node_and_path()
    {
        var path = Path.Combine(sshd.Directory, $"blob-{Guid.NewGuid():N}");
        var bytes = Enumerable.Range(0, 300_000).Select(i => (byte)(i * 7)).ToArray();
        await File.WriteAllBytesAsync(path, bytes);
        await using var shell = await Connect(sshd.Settings(sshd.KnownHostsTrusting()));
        Assert.Equal(bytes, await shell.ReadFileAsync(path));
        var error = await Assert.ThrowsAsync<NodeFileException>(() => shell.ReadFileAsync(path + ".missing"));
        Assert.True(error.NotFound);
        Assert.Contains("node1", error.Message);
        Assert.Contains(path + ".missing", error.Message);
    }

    [Fact]
    public async Task From_a_spare_address_the_node_sees_that_source_and_its_own_key_is_checked()
    {
        var ssh = sshd.Settings(sshd.KnownHostsTrusting());
        var inventory = SshdFixture.Inventory(ssh);
        var node = inventory.FindByName("node1")!;
        var policy = new HostKeyPolicy(KnownHosts.Load(ssh.KnownHostsFile!), inventory, [], null, acceptNew: false);
        var source = System.Net.IPAddress.Parse("127.0.0.9");
        await using (var shell = await SshShell.ConnectFromAsync(node, source, ssh, SshCredentials.Load(ssh, new TestSecrets()), policy))
        {
            // sshd's SSH_CONNECTION starts with the client's address: the connection left from the spare address.
            var seen = await shell.RunAsync(ShellCommand.Of("sh", "-c", "echo $SSH_CONNECTION"), Limit);
            Assert.StartsWith("127.0.0.9 ", seen.StdOut, StringComparison.Ordinal);
            Assert.Equal($"IPv4 [127.0.0.1]:{sshd.Port} from the spare address 127.0.0.9, around the hijack", shell.Way);
        }

        var stranger = sshd.NewKnownHostsPath();
        File.WriteAllText(stranger, sshd.HostEntry(HostKey.ReadPublicKeyFile(Processes.Fixture("keys/alt-ed25519.pub"))));
        var strict = new HostKeyPolicy(KnownHosts.Load(stranger), inventory, [], null, acceptNew: true);
        var refused = await Assert.ThrowsAsync<HostKeyRejectedException>(() => SshShell.ConnectFromAsync(node, source, ssh, SshCredentials.Load(ssh, new TestSecrets()), strict));
        Assert.Equal(HostKeyOutcome.Mismatch, refused.Outcome);
    }

    [Fact]
    public async Task Tunnel_reaches_a_port_as_the_node_sees_it()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var target = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        var serve = Task.Run(async () =>
        {
            using var accepted = await listener.AcceptTcpClientAsync();
            var stream = accepted.GetStream();
            var buffer = new byte[5];
            await stream.ReadExactlyAsync(buffer);
            await stream.WriteAsync(Encoding.ASCII.GetBytes("pong:" + Encoding.ASCII.GetString(buffer)));
        });
        await using var shell = await Connect(sshd.Settings(sshd.KnownHostsTrusting()));
        await using var tunnel = await shell.OpenTunnelAsync("127.0.0.1", target);
        Assert.Equal("127.0.0.1", tunnel.LocalEndPoint.Address.ToString());
        Assert.NotEqual(0, tunnel.LocalEndPoint.Port);
        using var client = new TcpClient();
        await client.ConnectAsync(tunnel.LocalEndPoint);
        await client.GetStream().WriteAsync("hello"u8.ToArray());
        var reply = new byte[10];
        await client.GetStream().ReadExactlyAsync(reply);
        Assert.Equal("pong:hello", Encoding.ASCII.GetString(reply));
        await serve;
    }

    [Fact]
    public async Task Encrypted_key_opens_with_the_passphrase_from_the_named_environment_variable()
    {
        var variable = $"KR_TEST_PASSPHRASE_{sshd.Id}";
        Environment.SetEnvironmentVariable(variable, SshdFixture.Passphrase);
        try
        {
            var ssh = sshd.Settings(sshd.KnownHostsTrusting(), identity: sshd.EncryptedClientKey) with { PassphraseEnv = variable };
            await using var shell = await Connect(ssh, new ConsoleSecretSource());
            Assert.Equal(0, (await shell.RunAsync(ShellCommand.Of("true"), Limit)).ExitCode);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public async Task Encrypted_key_without_or_with_a_wrong_passphrase_is_a_clear_error_without_the_secret()
    {
        var secrets = new TestSecrets();
        var ssh = sshd.Settings(sshd.KnownHostsTrusting(), identity: sshd.EncryptedClientKey) with { PassphraseEnv = "KR_PP" };
        var none = await Assert.ThrowsAsync<SshCredentialException>(() => Connect(ssh, secrets));
        Assert.Contains(sshd.EncryptedClientKey, none.Message);
        Assert.Contains("KR_PP", none.Message);
        Assert.Single(secrets.Prompts);
        var wrong = await Assert.ThrowsAsync<SshCredentialException>(
            () => Connect(ssh, new TestSecrets(new Dictionary<string, string> { ["KR_PP"] = "not the passphrase" })));
        Assert.Contains("wrong passphrase", wrong.Message);
        Assert.DoesNotContain("not the passphrase", wrong.ToString());
    }

    [Fact]
    public async Task Refused_login_names_node_user_and_key_but_no_secret()
    {
        var stranger = Path.Combine(sshd.Directory, $"stranger-{Guid.NewGuid():N}");
        Processes.MustRun("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "", "-f", stranger);
        var error = await Assert.ThrowsAsync<NodeConnectException>(() => Connect(sshd.Settings(sshd.KnownHostsTrusting(), identity: stranger)));
        Assert.Contains("node1", error.Message);
        Assert.Contains("refused the login as root", error.Message);
        Assert.DoesNotContain(File.ReadAllText(stranger).Split('\n')[1], error.ToString());
    }

    [Fact]
    public async Task Silent_port_times_out_with_a_clear_error()
    {
        using var silent = new TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start();
        var port = ((System.Net.IPEndPoint)silent.LocalEndpoint).Port;
        var ssh = sshd.Settings(sshd.KnownHostsTrusting()) with { Port = port, ConnectTimeout = TimeSpan.FromSeconds(2) };
        var error = await Assert.ThrowsAsync<NodeConnectException>(() => Connect(ssh));
        Assert.Equal($"no SSH answer from node1 at [127.0.0.1]:{port} within 2 s", error.Message);
    }

    [Fact]
    public async Task Connector_gives_every_node_a_result_local_first()
    {
        // node2 is "this machine" (local shell), node1 is the real sshd, node3 (127.0.0.3) has no sshd.
        var ssh = sshd.Settings(sshd.KnownHostsTrusting());
        var connector = new NodeConnector(SshdFixture.Inventory(ssh), ssh, "node2", new TestSecrets(), "/nonexistent");
        var results = await connector.ConnectAllAsync(parallel: 2);
        try
        {
            Assert.Equal(["node2", "node1", "node3"], results.Select(r => r.Node.Name));
            Assert.IsType<LocalShell>(results[0].Value);
            Assert.IsType<SshShell>(results[1].Value);
            Assert.Equal("root\n", (await results[1].Value!.RunAsync(ShellCommand.Of("id", "-un"), Limit)).StdOut);
            var down = Assert.IsType<NodeConnectException>(results[2].Error);
            Assert.StartsWith($"cannot reach node3 at [127.0.0.3]:{sshd.Port}", down.Message);
        }
        finally
        {
            foreach (var shell in results.Where(r => r.Succeeded)) await shell.Value!.DisposeAsync();
        }
    }

    [Fact]
    public async Task Closed_port_is_a_clear_error()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var closed = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var error = await Assert.ThrowsAsync<NodeConnectException>(
            () => Connect(sshd.Settings(sshd.KnownHostsTrusting()) with { Port = closed }));
        Assert.StartsWith($"cannot reach node1 at [127.0.0.1]:{closed}", error.Message);
    }
}
