using Recovery.Logging;
using Recovery.Tests.Access;

namespace Recovery.Tests.Cli;

/// <summary>
/// Guarantee 6 through the real command line: an encrypted key made by ssh-keygen, its passphrase and an SSH
/// password are read by a run, and from then on neither reaches stderr (also at -v), audit.jsonl or the journal:
/// each is registered with <see cref="SecretMask"/> when it is read. The nodes are TEST-NET addresses no one answers on.
/// </summary>
public sealed class SecretRegistrationTests : IDisposable
{
    private const string Password = "pw-Tr0ub4dor-and-3";
    private const string Passphrase = "pp-correct-horse-7";
    private const string PasswordVar = "KR_TEST_SSH_PASSWORD";
    private const string PassphraseVar = "KR_TEST_SSH_PASSPHRASE";

    private readonly string _dir = Directory.CreateTempSubdirectory("kr-secrets-").FullName;

    public SecretRegistrationTests()
    {
        Environment.SetEnvironmentVariable(PasswordVar, Password);
        Environment.SetEnvironmentVariable(PassphraseVar, Passphrase);
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(PasswordVar, null);
        Environment.SetEnvironmentVariable(PassphraseVar, null);
        Directory.Delete(_dir, true);
    }

    [Fact]
    public async Task Password_passphrase_and_key_are_masked_from_the_moment_they_are_read()
    {
        var key = Path.Combine(_dir, "id_ed25519");
        Processes.MustRun("ssh-keygen", "-q", "-t", "ed25519", "-N", Passphrase, "-C", "kr-test", "-f", key);
        var keyLines = File.ReadAllLines(key).Where(l => !l.StartsWith("-----", StringComparison.Ordinal)).ToList();
        var inventory = Path.Combine(_dir, "inventory.yaml");
        File.WriteAllText(inventory, $$"""
            ssh: { user: root, identityFile: {{key}}, knownHosts: {{Path.Combine(_dir, "known_hosts")}}, passphraseEnv: {{PassphraseVar}}, connectTimeoutSeconds: 1 }
            nodes:
              - { name: node1, address: 192.0.2.11, roles: [control-plane, etcd] }
              - { name: node2, address: 192.0.2.12, roles: [control-plane, etcd] }
            """);
        var state = Path.Combine(_dir, "state");

        var run = await CliRun.RunAsync("recover", "-i", inventory, "--password-env", PasswordVar, "--state-dir", state, "--yes", "-v");

        // Read by this run: the registry masks them (fails while nothing registers what it reads).
        Assert.Equal(SecretMask.Replacement, SecretMask.Mask(Password));
        Assert.Equal(SecretMask.Replacement, SecretMask.Mask(Passphrase));
        Assert.All(keyLines, line => Assert.DoesNotContain(line, SecretMask.Mask($"dump: {line}")));
        // And nothing the run wrote carries them.
        var written = new List<string> { run.Out, run.Err };
        if (Directory.Exists(state)) written.AddRange(Directory.EnumerateFiles(state, "*", SearchOption.AllDirectories).Select(File.ReadAllText));
        foreach (var text in written)
        {
            Assert.DoesNotContain(Password, text);
            Assert.DoesNotContain(Passphrase, text);
            Assert.All(keyLines, line => Assert.DoesNotContain(line, text));
        }
    }

    [Fact]
    public void A_registered_secret_a_node_echoes_does_not_reach_the_journal()
    {
        const string secret = "journal-s3cret-value";
        SecretMask.Register(secret);
        var stateDir = Path.Combine(_dir, "journal");
        Directory.CreateDirectory(stateDir);
        using (var journal = new Recovery.Execution.Journal(stateDir, new FileStream(Path.Combine(stateDir, "journal.jsonl"), FileMode.Create)))
        {
            journal.Append(new Recovery.Execution.JournalRecord(DateTimeOffset.UtcNow, "run-1", Recovery.Execution.JournalRecord.StepResult,
                StdOut: $"custom stop printed {secret}", StdErr: $"sudo: {secret}", Detail: $"failed with {secret}"));
        }
        var text = File.ReadAllText(Path.Combine(stateDir, "journal.jsonl"));
        Assert.DoesNotContain(secret, text);
        Assert.Contains(SecretMask.Replacement, text);
    }
}
