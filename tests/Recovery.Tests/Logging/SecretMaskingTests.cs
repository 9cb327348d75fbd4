using Recovery.Cli.Logging;
using Recovery.Logging;
using Serilog;

namespace Recovery.Tests.Logging;

/// <summary>Tries hard to log secrets through every path a careless call site could take, and checks none gets out.</summary>
public sealed class SecretMaskingTests : IDisposable
{
    private const string Password = "correct-horse-battery-staple";
    private const string Passphrase = "correct horse battery staple";
    private const string PrivateKey = """
        -----BEGIN OPENSSH PRIVATE KEY-----
        b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW
        QyNTUxOQAAACDbBk1p4vY8Yz9bQ0n9oVxk2o0mZ1S9pXxk8b7Q2pQ6xAAAAJhEoZk1RKGZ
        -----END OPENSSH PRIVATE KEY-----
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("kr-mask-").FullName;

    public SecretMaskingTests()
    {
        SecretMask.Register(Password);
        SecretMask.Register(Passphrase);
    }

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void Mask_removes_registered_secrets_pem_keys_and_assignments()
    {
        Assert.DoesNotContain(Password, SecretMask.Mask($"auth with {Password} failed"));
        var masked = SecretMask.Mask("key:\n" + PrivateKey + "\nafter");
        Assert.DoesNotContain("b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ", masked);
        Assert.EndsWith("after", masked);
        Assert.Equal("password=***", SecretMask.Mask("password=letmein"));
        Assert.Equal("client-key-data: ***", SecretMask.Mask("client-key-data: LS0tLS1CRUdJTiBFQyBQUklWQVRFIEtFWS0tLS0t"));
        Assert.Equal("addresses 10.0.0.211 and node1 stay readable", SecretMask.Mask("addresses 10.0.0.211 and node1 stay readable"));
    }

    [Theory]
    [InlineData("passphrase: correct horse battery staple")]
    [InlineData("password=correct horse battery staple")]
    [InlineData("ssh: secret correct horse battery staple")]
    public void A_registered_passphrase_with_spaces_is_masked_whole_also_after_a_key_word(string text)
    {
        // The key: value rule alone would mask only "correct" and leave the rest.
        Assert.DoesNotContain("horse battery staple", SecretMask.Mask(text));
    }

    [Fact]
    public void A_registered_passphrase_with_spaces_reaches_neither_stderr_nor_the_audit_log()
    {
        var stderr = new StringWriter();
        using (var logger = LogSetup.Build(verbose: false, stderr, _dir))
        {
            logger.Warning("node2 printed: {Output}", "passphrase: correct horse battery staple");
        }
        var audit = File.ReadAllText(Path.Combine(_dir, LogSetup.AuditFileName));
        Assert.DoesNotContain("horse battery staple", stderr.ToString());
        Assert.DoesNotContain("horse battery staple", audit);
    }

    [Fact]
    public void No_secret_reaches_stderr_or_the_audit_log()
    {
        var stderr = new StringWriter();
        using (var logger = LogSetup.Build(verbose: true, stderr, _dir))
        {
            logger.Information("property {Password}", Password);
            logger.Information($"interpolated {Password}");
            logger.Information("structured {@Settings}", new { User = "root", Password });
            logger.Information("sequence {Values}", new[] { "a", Password });
            logger.Warning("key {Key}", PrivateKey);
            logger.Error(new InvalidOperationException($"ssh auth failed for password {Password}"), "exception");
            logger.Information("dictionary {Map}", new Dictionary<string, string> { ["pw"] = Password });
        }
        var audit = File.ReadAllText(Path.Combine(_dir, LogSetup.AuditFileName));
        foreach (var text in new[] { stderr.ToString(), audit })
        {
            Assert.DoesNotContain(Password, text);
            Assert.DoesNotContain("b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ", text);
            Assert.Contains("***", text);
        }
        Assert.Equal(7, audit.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.All(audit.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => System.Text.Json.JsonDocument.Parse(line).Dispose());
    }

    [Fact]
    public void Human_lines_are_one_per_event_without_stack_traces_unless_verbose()
    {
        var stderr = new StringWriter();
        using (var logger = LogSetup.Build(verbose: false, stderr, null))
        {
            logger.Error(new InvalidOperationException("boom"), "step failed on {Node}", "node2");
        }
        var lines = stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Matches(@"^\d\d:\d\d:\d\d ERR step failed on ""?node2""?$", lines[0].TrimEnd('\r'));
    }
}
