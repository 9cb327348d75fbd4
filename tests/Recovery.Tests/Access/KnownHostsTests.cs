using Recovery.Access;

namespace Recovery.Tests.Access;

/// <summary>known_hosts parsing and matching against files written by the real ssh-keygen (Fixtures/make-fixtures.sh).</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class KnownHostsTests
{
    private static HostKey Key(string name) => HostKey.ReadPublicKeyFile(Processes.Fixture($"keys/{name}.pub"));

    private static string Fingerprint(string name) =>
        File.ReadAllLines(Processes.Fixture("fingerprints.txt")).Single(l => l.StartsWith(name + " ", StringComparison.Ordinal)).Split(' ')[1];

    [Theory]
    [InlineData("node1-ed25519")]
    [InlineData("node1-rsa")]
    [InlineData("node2-ed25519")]
    [InlineData("node3-ecdsa")]
    public void Fingerprints_equal_ssh_keygen(string name) => Assert.Equal(Fingerprint(name), Key(name).Fingerprint);

    [Fact]
    public void Hashed_file_finds_the_same_keys_as_ssh_keygen_F()
    {
        var hashed = KnownHosts.Load(Processes.Fixture("known_hosts.hashed"));
        Assert.All(hashed.Entries, e => Assert.True(e.IsHashed));
        Assert.Empty(hashed.MalformedLines);
        var lookups = ParseLookups(File.ReadAllText(Processes.Fixture("lookups.txt")));
        foreach (var (name, expected) in lookups)
        {
            var (host, port) = name.StartsWith('[') ? (name[1..name.IndexOf(']')], int.Parse(name[(name.IndexOf(':') + 1)..])) : (name, 22);
            Assert.Equal(expected, hashed.KeysFor(host, port).Select(k => k.Fingerprint).ToList());
        }
    }

    [Fact]
    public void Plain_and_hashed_files_give_the_same_answers()
    {
        var plain = KnownHosts.Load(Processes.Fixture("known_hosts.plain"));
        var hashed = KnownHosts.Load(Processes.Fixture("known_hosts.hashed"));
        foreach (var key in new[] { "node1-ed25519", "node1-rsa", "node2-ed25519", "node3-ecdsa", "alt-ed25519" }.Select(Key))
        {
            foreach (var (host, port) in new[] { ("10.77.0.11", 22), ("node2", 22), ("10.77.0.12", 22), ("10.77.0.13", 2222), ("10.77.0.13", 22) })
            {
                Assert.Equal(plain.Check([host], port, key).Outcome, hashed.Check([host], port, key).Outcome);
            }
        }
    }

    [Fact]
    public void Several_keys_per_host_each_trusted_and_others_mismatch()
    {
        var file = KnownHosts.Load(Processes.Fixture("known_hosts.hashed"));
        Assert.Equal(HostKeyOutcome.Trusted, file.Check(["10.77.0.11"], 22, Key("node1-ed25519")).Outcome);
        Assert.Equal(HostKeyOutcome.Trusted, file.Check(["10.77.0.11"], 22, Key("node1-rsa")).Outcome);
        var mismatch = file.Check(["10.77.0.11"], 22, Key("node2-ed25519"));
        Assert.Equal(HostKeyOutcome.Mismatch, mismatch.Outcome);
        Assert.Equal(2, mismatch.Entries.Count);
        Assert.Equal(HostKeyOutcome.Unknown, file.Check(["10.77.0.99"], 22, Key("node1-ed25519")).Outcome);
    }

    [Fact]
    public void Bracketed_port_matches_only_that_port()
    {
        var file = KnownHosts.Load(Processes.Fixture("known_hosts.hashed"));
        Assert.Equal(HostKeyOutcome.Trusted, file.Check(["10.77.0.13"], 2222, Key("node3-ecdsa")).Outcome);
        Assert.Equal(HostKeyOutcome.Unknown, file.Check(["10.77.0.13"], 22, Key("node3-ecdsa")).Outcome);
        Assert.Equal(HostKeyOutcome.Unknown, file.Check(["10.77.0.11"], 2222, Key("node1-ed25519")).Outcome);
    }

    [Fact]
    public void Comma_lists_patterns_and_negation_match_as_openssh_does()
    {
        var key = Key("node2-ed25519");
        var file = KnownHosts.Parse($"node2,10.77.0.12 {key.Type} {key.Base64}\n10.78.*,!10.78.0.5 {key.Type} {key.Base64}\n");
        Assert.Equal(HostKeyOutcome.Trusted, file.Check(["NODE2"], 22, key).Outcome);
        Assert.Equal(HostKeyOutcome.Trusted, file.Check(["10.77.0.12"], 22, key).Outcome);
        Assert.Equal(HostKeyOutcome.Trusted, file.Check(["10.78.3.4"], 22, key).Outcome);
        Assert.Equal(HostKeyOutcome.Unknown, file.Check(["10.78.0.5"], 22, key).Outcome);
        Assert.Equal(HostKeyOutcome.Unknown, file.Check(["10.77.0.1"], 22, key).Outcome);
    }

    [Fact]
    public void Revoked_wins_and_cert_authority_grants_no_trust()
    {
        var good = Key("node1-ed25519");
        var bad = Key("revoked-ed25519");
        var file = KnownHosts.Parse(
            $"@revoked * {bad.Type} {bad.Base64}\n10.77.0.11 {bad.Type} {bad.Base64}\n10.77.0.11 {good.Type} {good.Base64}\n"
            + $"@cert-authority 10.77.0.12 {good.Type} {good.Base64}\n");
        var revoked = file.Check(["10.77.0.11"], 22, bad);
        Assert.Equal(HostKeyOutcome.Revoked, revoked.Outcome);
        Assert.Equal(1, revoked.Entries[0].Line);
        Assert.Equal(HostKeyOutcome.Trusted, file.Check(["10.77.0.11"], 22, good).Outcome);
        Assert.Equal(HostKeyOutcome.Unknown, file.Check(["10.77.0.12"], 22, good).Outcome);
        Assert.Empty(file.KeysFor("10.77.0.12", 22));
    }

    [Fact]
    public void Malformed_lines_are_skipped_and_counted_by_line_number()
    {
        var key = Key("node1-ed25519");
        var file = KnownHosts.Parse(string.Join('\n',
            "# comment",
            "",
            $"10.77.0.11 {key.Type} {key.Base64} a comment with spaces",
            "10.77.0.12 ssh-ed25519",
            "10.77.0.13 ssh-ed25519 !!!not-base64!!!",
            $"10.77.0.14 ssh-rsa {key.Base64}",
            $"@bogus 10.77.0.15 {key.Type} {key.Base64}",
            $"   \t10.77.0.16\t{key.Type}   {key.Base64}   ",
            "\r"));
        Assert.Equal([4, 5, 6, 7], file.MalformedLines);
        Assert.Equal(HostKeyOutcome.Trusted, file.Check(["10.77.0.11"], 22, key).Outcome);
        Assert.Equal(HostKeyOutcome.Trusted, file.Check(["10.77.0.16"], 22, key).Outcome);
    }

    [Fact]
    public void Appended_line_is_read_back_by_ssh_keygen_and_by_us()
    {
        var dir = Directory.CreateTempSubdirectory("kr-kh-").FullName;
        try
        {
            var path = Path.Combine(dir, "sub", "known_hosts");
            var key = Key("node3-ecdsa");
            var file = KnownHosts.Load(path);
            file.Append("10.77.0.13", 2222, key);
            file.Append("10.77.0.11", 22, Key("node1-ed25519"));
            Assert.Equal(HostKeyOutcome.Trusted, file.Check(["10.77.0.13"], 2222, key).Outcome);
            Assert.Equal(HostKeyOutcome.Trusted, KnownHosts.Load(path).Check(["10.77.0.13"], 2222, key).Outcome);
            Assert.Contains(Fingerprint("node3-ecdsa"), Processes.MustRun("ssh-keygen", "-l", "-F", "[10.77.0.13]:2222", "-f", path));
            Assert.Contains(Fingerprint("node1-ed25519"), Processes.MustRun("ssh-keygen", "-l", "-F", "10.77.0.11", "-f", path));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Append_adds_a_missing_final_newline_first()
    {
        var path = Path.GetTempFileName();
        try
        {
            var first = Key("node1-ed25519");
            File.WriteAllText(path, $"10.77.0.11 {first.Type} {first.Base64}");
            KnownHosts.Load(path).Append("10.77.0.12", 22, Key("node2-ed25519"));
            var reread = KnownHosts.Load(path);
            Assert.Equal(2, reread.Entries.Count);
            Assert.Empty(reread.MalformedLines);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static List<(string Host, List<string> Fingerprints)> ParseLookups(string text)
    {
        var result = new List<(string, List<string>)>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("## ssh-keygen -F ", StringComparison.Ordinal)) result.Add((line["## ssh-keygen -F ".Length..], []));
            else result[^1].Item2.Add(line);
        }
        return result;
    }
}
