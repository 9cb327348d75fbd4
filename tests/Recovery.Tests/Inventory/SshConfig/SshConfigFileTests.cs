using Recovery.Inventory;
using Recovery.Inventory.SshConfig;

namespace Recovery.Tests.Inventory.SshConfig;

/// <summary>
/// The ssh_config subset against the forms ssh_config(5) gives. The expected values were checked with OpenSSH 9.2's own
/// `ssh -G -F FILE HOST` on the same text (first obtained value wins; IdentityFile accumulates).
/// </summary>
public sealed class SshConfigFileTests
{
    private const string Manual = """
        # comment
        Host node? !node3
          User admin
          port=2222
          IdentityFile ~/.ssh/%h_%r_key
        Host node3 10.0.0.*
          HostName %h.example.com
          User "ops"
          IdentityFile "/keys/with space"
          ProxyJump jump@bastion:2200,second
        HOST *
          USER fallback
          Port 22
          IdentityFile %d/.ssh/id_default
          StrictHostKeyChecking accept-new
          UserKnownHostsFile ~/.ssh/kh1 ~/.ssh/kh2
        """;

    private static SshConfigFile Config(string text) => SshConfigFile.Parse(text, "config", "/home/op");

    private static void InTempHome(Action<string> test)
    {
        var home = Directory.CreateTempSubdirectory("sshconfig-").FullName;
        try
        {
            test(home);
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    private static string? First(SshConfigFile config, string keyword, params string[] hosts) =>
        config.For(hosts).FirstOrDefault(l => l.Keyword == keyword)?.Args[0];

    [Theory]
    [InlineData("node2", "admin", "2222")]
    [InlineData("NODE2", "admin", "2222")]
    [InlineData("node3", "ops", "22")]
    [InlineData("node33", "fallback", "22")]
    [InlineData("10.0.0.5", "ops", "22")]
    public void The_first_obtained_value_wins_per_host(string host, string user, string port)
    {
        var config = Config(Manual);
        Assert.Equal(user, First(config, "user", host));
        Assert.Equal(port, First(config, "port", host));
    }

    [Fact]
    public void IdentityFile_accumulates_over_every_matching_block()
    {
        var lines = Config(Manual).For(["node3"]).Where(l => l.Keyword == "identityfile").Select(l => l.Args[0]);
        Assert.Equal(["/keys/with space", "%d/.ssh/id_default"], lines);
    }

    [Fact]
    public void Each_line_names_its_file_and_line()
    {
        var line = Config(Manual).For(["node3"]).First(l => l.Keyword == "proxyjump");
        Assert.Equal("config:10", line.Origin);
        Assert.Equal(["jump@bastion:2200,second"], line.Args);
    }

    [Fact]
    public void A_negated_pattern_vetoes_and_never_matches_alone()
    {
        var config = Config("""
            Host !node1 !node2
              User never
            Host *.example.com !bad.example.com
              User domain
            """);
        Assert.Null(First(config, "user", "node3"));
        Assert.Equal("domain", First(config, "user", "good.example.com"));
        Assert.Null(First(config, "user", "bad.example.com"));
    }

    [Fact]
    public void Question_mark_matches_exactly_one_character()
    {
        var config = Config("Host 192.168.0.?\n  User lan\n");
        Assert.Equal("lan", First(config, "user", "192.168.0.7"));
        Assert.Null(First(config, "user", "192.168.0.17"));
    }

    [Fact]
    public void A_line_applies_when_the_node_name_or_its_address_matches()
    {
        var config = Config("Host 10.77.0.12\n  User byaddress\n");
        Assert.Equal("byaddress", First(config, "user", "node2", "10.77.0.12"));
        Assert.Null(First(config, "user", "node3", "10.77.0.13"));
    }

    [Theory]
    [InlineData("Port 2200")]
    [InlineData("Port=2200")]
    [InlineData("Port = 2200")]
    [InlineData("  port\t=\t2200   # trailing comment")]
    [InlineData("PORT \"2200\"")]
    public void Keyword_forms_are_all_read(string line)
    {
        Assert.Equal("2200", First(Config(line), "port", "any"));
    }

    [Fact]
    public void Quotes_and_escapes_keep_spaces()
    {
        var config = Config("IdentityFile '/a b/key'\nUserKnownHostsFile /k\\ h \"/x y\"\n");
        Assert.Equal("/a b/key", First(config, "identityfile", "h"));
        Assert.Equal(["/k h", "/x y"], config.For(["h"]).First(l => l.Keyword == "userknownhostsfile").Args);
    }

    [Fact]
    public void Match_all_applies_and_any_other_Match_is_skipped_with_a_warning()
    {
        var config = Config("""
            Match host node1 exec "true"
              User skipped
            Match all
              Port 2201
            """);
        Assert.Null(First(config, "user", "node1"));
        Assert.Equal("2201", First(config, "port", "node1"));
        var warning = Assert.Single(config.Warnings);
        Assert.StartsWith("config:1:", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_keywords_are_ignored()
    {
        var config = Config("ForwardAgent yes\nControlMaster auto\nUser u1\n");
        Assert.Equal("u1", First(config, "user", "h"));
    }

    [Theory]
    [InlineData("Port 0", "config:1: Port:")]
    [InlineData("Port abc", "config:1: Port:")]
    [InlineData("Host x\n  User \"open", "config:2: line: unterminated")]
    [InlineData("User root\nUser a;b", "config:2: User:")]
    [InlineData("StrictHostKeyChecking maybe", "config:1: StrictHostKeyChecking:")]
    [InlineData("Host x\nProxyJump a@:22", "config:2: ProxyJump:")]
    [InlineData("ProxyJump bastion:99999", "config:1: ProxyJump:")]
    [InlineData("Host", "config:1: Host:")]
    [InlineData("Host x\n  Port 22 23", "config:2: Port: expected exactly one value")]
    public void A_bad_line_is_an_error_naming_file_and_line(string text, string expected)
    {
        var error = Assert.Throws<InventoryException>(() => Config(text));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_value_in_a_block_that_does_not_match_is_still_an_error()
    {
        Assert.Throws<InventoryException>(() => Config("Host never-used\n  Port 70000\n"));
    }

    [Fact]
    public void Include_reads_files_relative_to_dot_ssh_in_lexical_order_under_the_including_block()
    {
        InTempHome(home =>
        {
            Directory.CreateDirectory(Path.Combine(home, ".ssh", "config.d"));
            File.WriteAllText(Path.Combine(home, ".ssh", "config.d", "b.conf"), "User from-b\nHost other\n  Port 2300\n");
            File.WriteAllText(Path.Combine(home, ".ssh", "config.d", "a.conf"), "Port 2400\n");
            File.WriteAllText(Path.Combine(home, ".ssh", "config"), "Host node1\n  Include config.d/*.conf\nHost *\n  User tail\n");
            var config = SshConfigFile.Load(Path.Combine(home, ".ssh", "config"), home);
            Assert.Equal("2400", First(config, "port", "node1"));
            Assert.Equal("from-b", First(config, "user", "node1"));
            // Outside the including block nothing of the included files applies, their own Host blocks included.
            Assert.Null(First(config, "port", "other"));
            Assert.Equal("tail", First(config, "user", "node2"));
            Assert.EndsWith("a.conf:1", config.For(["node1"]).First(l => l.Keyword == "port").Origin, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void An_include_loop_is_an_error()
    {
        InTempHome(home =>
        {
            Directory.CreateDirectory(Path.Combine(home, ".ssh"));
            File.WriteAllText(Path.Combine(home, ".ssh", "config"), "Include config\n");
            var error = Assert.Throws<InventoryException>(() => SshConfigFile.Load(Path.Combine(home, ".ssh", "config"), home));
            Assert.Contains("Include", error.Message, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void A_file_others_may_write_is_refused_as_ssh_refuses_it()
    {
        InTempHome(home =>
        {
            var path = Path.Combine(home, "config");
            File.WriteAllText(path, "User x\n");
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite);
            var error = Assert.Throws<InventoryException>(() => SshConfigFile.Load(path, home));
            Assert.Contains("chmod go-w", error.Message, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void A_missing_file_is_an_empty_config()
    {
        Assert.Empty(SshConfigFile.Load("/nonexistent/.ssh/config", "/nonexistent").Entries);
    }

    [Theory]
    [InlineData("bastion", null, "bastion", null)]
    [InlineData("jump@bastion:2200", "jump", "bastion", 2200)]
    [InlineData("ssh://ops@10.0.0.1:22", "ops", "10.0.0.1", 22)]
    [InlineData("[fd00::1]:2222", null, "fd00::1", 2222)]
    public void ProxyJump_hops_are_read_as_the_manual_writes_them(string value, string? user, string host, int? port)
    {
        var hop = Assert.Single(JumpSpec.ParseChain(value));
        Assert.Equal(new JumpSpec(user, host, port), hop);
    }

    [Fact]
    public void ProxyJump_chains_keep_their_order_and_none_is_no_jump()
    {
        Assert.Equal(["a", "b", "c"], JumpSpec.ParseChain("a,u@b,c:2").Select(h => h.Host));
        Assert.Empty(JumpSpec.ParseChain("none"));
    }
}
