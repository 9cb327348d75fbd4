namespace Recovery.Tests.Cli;

public sealed class OptionParsingTests
{
    [Fact]
    public async Task Version_prints_version_commit_runtime_and_architecture()
    {
        var (exit, output, _) = await CliRun.RunAsync("version");
        Assert.Equal(0, exit);
        Assert.Matches(@"^kube-recover \d+\.\d+\.\d+ \(commit [0-9a-f]+|unknown\) \.NET 10\.\S+ linux-(x64|arm64)", output);
    }

    [Fact]
    public async Task Version_as_json_is_versioned()
    {
        var (exit, output, _) = await CliRun.RunAsync("version", "--json");
        Assert.Equal(0, exit);
        using var doc = System.Text.Json.JsonDocument.Parse(output);
        Assert.Equal("kube-recover/v1", doc.RootElement.GetProperty("apiVersion").GetString());
        Assert.Equal("Version", doc.RootElement.GetProperty("kind").GetString());
    }

    [Theory]
    [InlineData("--ip", "10.0.0.300", "--ip: '10.0.0.300' is not an IP address")]
    [InlineData("--ip", "master1", "--ip: 'master1' is not an IP address")]
    [InlineData("--protect", "10.1", "--protect: '10.1' is not an IP address")]
    [InlineData("--service", "Default/Nginx", "not a valid namespace")]
    [InlineData("--service", "default/ngin;x", "not a valid Service name")]
    [InlineData("--via", "ssh", "--via: 'ssh' is not valid; expected one of auto, kubectl, etcd")]
    [InlineData("--action", "nuke", "--action: 'nuke' is not valid; expected one of delete, strip")]
    [InlineData("--parallel", "0", "--parallel: expected a number of nodes between 1 and 256")]
    [InlineData("--node", "n1=10.0.0.1;reboot", "not an IP address")]
    [InlineData("--local", "$(reboot)", "is not a node name")]
    [InlineData("--password-env", "hunter2!", "NAME of an environment variable")]
    [InlineData("--etcd-endpoints", "10.0.0.1:2379", "expected https://HOST:2379")]
    [InlineData("--etcd-prefix", "registry", "expected an absolute prefix")]
    [InlineData("--inventory", "/nonexistent/inventory.yaml", "does not exist")]
    [InlineData("--spare-address", "10.0.0.256", "--spare-address: '10.0.0.256' is not an IP address")]
    [InlineData("--spare-address", "127.0.0.5", "is not a unicast address of a segment")]
    [InlineData("--spare-address", "fe80::1", "is not a unicast address of a segment")]
    [InlineData("--spare-address", "239.1.1.1", "is not an IP address a node can hold")]
    public async Task Bad_option_values_exit_2_naming_what_was_expected(string option, string value, string message)
    {
        var (_, output, _) = await CliRun.AssertRefusedAsync(message, "version", option, value);
        Assert.Equal("", output);
    }

    [Theory]
    [InlineData("")]
    [InlineData("local-first")]
    public async Task A_state_directory_holding_an_earlier_recovery_is_refused_before_any_node_is_reached(string stage)
    {
        // node1 at TEST-NET: reaching it would be slow and fail; the refusal comes first, and the earlier plan is untouched.
        var dir = Directory.CreateTempSubdirectory("kr-state-").FullName;
        Directory.CreateDirectory(Path.Combine(dir, stage));
        var plan = Path.Combine(dir, stage, "plan.json");
        await File.WriteAllTextAsync(plan, "{}");

        var (_, output, _) = await CliRun.AssertRefusedAsync($"--state-dir: '{dir}' already holds a recovery (plan.json); expected a new or empty directory, or continue that one with --resume {dir}",
            "recover", "--node", "node1=192.0.2.11,control-plane", "--yes", "--state-dir", dir);

        Assert.Equal("", output);
        Assert.Equal("{}", await File.ReadAllTextAsync(plan));
        Assert.Equal([plan], Directory.GetFiles(dir, "*", SearchOption.AllDirectories));
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task A_state_directory_that_is_a_file_is_refused_before_any_node_is_reached()
    {
        var file = Path.GetTempFileName();
        var (_, output, _) = await CliRun.AssertRefusedAsync($"--state-dir: '{file}' is not a directory; expected a new or empty directory",
            "recover", "--node", "node1=192.0.2.11,control-plane", "--yes", "--state-dir", file);
        Assert.Equal("", output);
        Assert.Equal("", await File.ReadAllTextAsync(file));
        File.Delete(file);
    }

    [Fact]
    public async Task A_sync_period_ending_in_a_newline_is_refused()
    {
        // .NET's $ also matches before a final newline; node1 at TEST-NET: the refusal comes before reaching it.
        var (_, output, _) = await CliRun.AssertRefusedAsync("--sync-period: '30s\\u000a' is not a duration", "plan", "--node", "node1=192.0.2.11", "--sync-period", "30s\n");
        Assert.Equal("", output);
    }

    [Fact]
    public async Task Comma_listed_etcd_endpoints_are_accepted_as_etcdctl_takes_them()
    {
        // The endpoints are used split at commas; the check must split them the same way, not refuse the list whole.
        var (exit, _, error) = await CliRun.RunAsync("version", "--etcd-endpoints", "http://10.0.0.11:2379,http://10.0.0.12:2379");
        Assert.True(exit == 0, error);
    }

    [Theory]
    [InlineData("10.0.0.11", "node1's address")]
    [InlineData("10.0.0.200", "a protected address")]
    [InlineData("10.0.0.99", "the hijacked address (--ip)")]
    public async Task A_spare_address_some_machine_uses_is_refused_before_any_node_is_touched(string spare, string taken)
    {
        // The inventory is checked before any node is reached: exit 2 and its message come first.
        var (_, output, _) = await CliRun.AssertRefusedAsync($"--spare-address: {spare} is {taken}; expected a free address",
            "diagnose", "--node", "node1=10.0.0.11,control-plane", "--node", "node2=10.0.0.12", "--protect", "10.0.0.200", "--ip", "10.0.0.99", "--spare-address", spare);
        Assert.Equal("", output);
    }

    [Fact]
    public async Task Unknown_verbs_and_options_exit_2()
    {
        Assert.Equal(2, (await CliRun.RunAsync("explode")).Exit);
        Assert.Equal(2, (await CliRun.RunAsync("version", "--colour")).Exit);
    }

    [Fact]
    public async Task Secret_values_in_bad_options_are_not_echoed_when_registered()
    {
        Recovery.Logging.SecretMask.Register("s3cr3t-Pa55word");
        var (_, _, error) = await CliRun.RunAsync("version", "--ip", "s3cr3t-Pa55word");
        Assert.DoesNotContain("s3cr3t-Pa55word", error);
    }
}
