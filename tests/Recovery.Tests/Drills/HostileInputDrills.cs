using System.Text;
using System.Text.Json.Nodes;
using Recovery.Cli;
using Recovery.Facts;
using Recovery.Inventory;
using Recovery.Planning;
using Recovery.Tests.Cli;
using static Recovery.Tests.Planning.Cluster;

namespace Recovery.Tests.Drills;

/// <summary>
/// Hostile input through the real entry point (<see cref="CliApp.RunAsync"/>), with every verb pointed at a
/// <see cref="LoopbackTrap"/>: inventory fields, options, plan files and backup files carrying shell metacharacters,
/// path traversal, huge sizes and invalid UTF-8 are refused with exit 2 and a message naming the field and what was
/// expected, and nothing reaches a node (no connection, no marker file, no state directory). Each group has a
/// control: the same command with valid input does connect to the trap, so a silent 0 proves something.
/// </summary>
public sealed class HostileInputDrills : IDisposable
{
    private readonly LoopbackTrap trap = new();

    public HostileInputDrills() => Environment.SetEnvironmentVariable("KR_DRILL_PASSWORD", "drill-password");

    public void Dispose() => trap.Dispose();

    private string State => Path.Combine(trap.Folder, "state");

    private string M(string text) => text.Replace("{M}", trap.Marker, StringComparison.Ordinal);

    private async Task AssertRefused(string expected, params string[] args)
    {
        await CliRun.AssertRefusedAsync(expected, args);
        trap.AssertNothingRun();
        Assert.False(Directory.Exists(State), "a refused input created the state directory");
    }

    [Fact]
    public async Task Control_a_valid_inventory_does_reach_the_trap()
    {
        await CliRun.RunAsync("diagnose", "-i", trap.Inventory());
        Assert.True(trap.Connections > 0, "the trap saw no connection: the hostile drills below would prove nothing");
    }

    [Theory]
    [InlineData("name: node1,", "name: \"$(touch {M})\",", "nodes[0].name")]
    [InlineData("name: node1,", "name: \"node1;touch {M}\",", "nodes[0].name")]
    [InlineData("name: node1,", "name: ../../etc/cron.d/node1,", "nodes[0].name")]
    [InlineData("address: 127.0.0.2,", "address: \"127.0.0.2;touch {M}\",", "nodes[0].address")]
    [InlineData("address: 127.0.0.2,", "address: \"`touch {M}`\",", "nodes[0].address")]
    [InlineData("address: 127.0.0.4 }", "address: 127.0.0.4, kubeProxy: { manager: custom, stop: \"systemctl stop kube-proxy; touch {M}\", start: systemctl start kube-proxy } }", "nodes[2].kubeProxy.stop")]
    [InlineData("address: 127.0.0.4 }", "address: 127.0.0.4, kubeProxy: { manager: \"systemd && touch {M}\" } }", "nodes[2].kubeProxy.manager")]
    [InlineData("user: root,", "user: \"root$(touch {M})\",", "ssh.user")]
    [InlineData("cluster: drill", "cluster: drill\nprotect: [\"10.0.0.1;touch {M}\"]", "protect")]
    public async Task Hostile_inventory_values_are_refused(string replace, string with, string field)
    {
        await AssertRefused(field, "recover", "-i", trap.Inventory(replace, M(with)), "--yes", "--state-dir", State);
    }

    [Fact]
    public async Task Huge_invalid_utf8_and_alias_bomb_inventories_are_refused()
    {
        var huge = trap.Write("huge.yaml", "# " + new string('x', 2 * 1024 * 1024) + "\n");
        await AssertRefused("bytes", "recover", "-i", huge, "--yes", "--state-dir", State);

        var bytes = Encoding.UTF8.GetBytes(File.ReadAllText(trap.Inventory())).Concat(new byte[] { 0x23, 0xC3, 0x28, 0xFF, 0x0A }).ToArray();
        await AssertRefused("UTF-8", "recover", "-i", trap.Write("latin.yaml", bytes), "--yes", "--state-dir", State);

        var bomb = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (var i = 1; i < 12; i++) bomb.Append($"a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))}]\n");
        await AssertRefused("a11", "recover", "-i", trap.Write("bomb.yaml", bomb + File.ReadAllText(trap.Inventory())), "--yes", "--state-dir", State);
    }

    [Theory]
    [InlineData("--service", "default/x;touch {M}", "--service")]
    [InlineData("--service", "../../kube-system/x", "--service")]
    [InlineData("--ip", "$(touch {M})", "--ip: ")]
    [InlineData("--protect", "10.0.0.1`touch {M}`", "--protect: ")]
    [InlineData("--local", "../node1", "--local: ")]
    [InlineData("--etcd-prefix", "/registry /x", "--etcd-prefix: ")]
    [InlineData("--etcd-endpoints", "https://127.0.0.2:2379/$(touch {M})", "--etcd-endpoints: ")]
    [InlineData("--etcd-endpoints", "https://user:$(touch {M})@127.0.0.2:2379", "--etcd-endpoints: ")]
    [InlineData("--etcd-endpoints", "https://127.0.0.2:2379,https://127.0.0.3:2379/$(touch {M})", "--etcd-endpoints: 'https://127.0.0.3:2379/")]
    [InlineData("--etcd-endpoints", "https://127.0.0.2:2379,nonsense", "--etcd-endpoints: 'nonsense'")]
    [InlineData("--user", "root$(touch {M})", "--user: 'root$(touch ")]
    public async Task Hostile_options_are_refused(string option, string value, string expected)
    {
        await AssertRefused(expected, "recover", "-i", trap.Inventory(), option, M(value), "--yes", "--state-dir", State);
    }

    [Fact]
    public async Task Hostile_node_options_are_refused()
    {
        await AssertRefused("--node", "recover", "--node", M("node1=127.0.0.2;touch {M}"), "--yes", "--state-dir", State);
        await AssertRefused("--node", "recover", "--node", M("$(touch {M})=127.0.0.2"), "--yes", "--state-dir", State);
    }

    // .NET's $ also matches before a final newline: a name rule ending in $ lets "node1\n" through as if it were node1.
    [Theory]
    [InlineData("--service", "default/x\n", "is not a valid Service name")]
    [InlineData("--service", "default\n/x", "is not a valid namespace")]
    [InlineData("--local", "node1\n", "--local: 'node1\\u000a' is not a node name")]
    [InlineData("--user", "root\n", "--user: 'root\\u000a' is not a user name")]
    [InlineData("--password-env", "KR_DRILL_PASSWORD\n", "--password-env: expected the NAME of an environment variable")]
    public async Task Option_values_ending_in_a_newline_are_refused(string option, string value, string expected)
    {
        await AssertRefused(expected, "recover", "-i", trap.Inventory(), option, value, "--yes", "--state-dir", State);
    }

    [Fact]
    public async Task A_node_option_whose_name_ends_in_a_newline_is_refused()
    {
        await AssertRefused("--node node1\\u000a=127.0.0.2: 'node1\\u000a' is not a valid node name", "recover", "--node", "node1\n=127.0.0.2", "--yes", "--state-dir", State);
    }

    [Theory]
    [InlineData("name: node1,", "name: \"node1\\n\",", "nodes[0].name")]
    [InlineData("user: root,", "user: \"root\\n\",", "ssh.user")]
    [InlineData("passwordEnv: KR_DRILL_PASSWORD,", "passwordEnv: \"KR_DRILL_PASSWORD\\n\",", "ssh.passwordEnv")]
    public async Task Inventory_values_ending_in_a_newline_are_refused(string replace, string with, string field)
    {
        await AssertRefused(field, "recover", "-i", trap.Inventory(replace, with), "--yes", "--state-dir", State);
    }

    [Fact]
    public async Task Https_etcd_endpoints_without_the_tls_files_are_refused_before_any_node_is_reached()
    {
        await AssertRefused("--etcd-endpoints: https endpoints need --etcd-cacert, --etcd-cert and --etcd-key",
            "recover", "-i", trap.Inventory(), "--etcd-endpoints", "https://127.0.0.2:2379", "--via", "etcd", "--yes", "--state-dir", State);
    }

    [Fact]
    public async Task Etcd_tls_files_that_are_not_pem_are_refused_before_any_node_is_reached()
    {
        var junk = trap.Write("junk.pem", "not a certificate\n");
        var (_, _, error) = await CliRun.AssertRefusedAsync("--etcd-cacert: the etcd CA file holds no certificate", "recover", "-i", trap.Inventory(),
            "--etcd-endpoints", "https://127.0.0.2:2379", "--etcd-cacert", junk, "--etcd-cert", junk, "--etcd-key", junk, "--via", "etcd", "--yes", "--state-dir", State);
        Assert.Contains("--etcd-cert, --etcd-key: the etcd client certificate or its key is not valid PEM", error);
        trap.AssertNothingRun();
        Assert.False(Directory.Exists(State), "a refused input created the state directory");
    }

    /// <summary>A real plan for the trap's inventory (the Planner over seed-like facts at the trap's addresses).</summary>
    private static JsonNode TrapPlan()
    {
        var inventory = InventoryLoader.ForThisMachine().Parse($$"""
            nodes:
              - { name: node1, address: 127.0.0.2, roles: [control-plane, etcd] }
              - { name: node2, address: 127.0.0.3, roles: [control-plane, etcd] }
              - { name: node3, address: 127.0.0.4 }
            """, "trap");
        var a = LoopbackTrap.Addresses;
        List<NodeFacts> facts = [FactsOf("node1", a[0], Systemd(), [a[0]]), FactsOf("node2", a[1], Systemd(), [a[0]]), FactsOf("node3", a[2], Systemd(), [a[0]])];
        return JsonNode.Parse(PlanJson.Write(Planner.Create(inventory, facts, Intent(addresses: a[0]), "node2", Created)))!;
    }

    private static JsonNode Step(JsonNode plan, string phase) =>
        plan["phases"]!.AsArray().Single(p => (string?)p!["kind"] == phase)!["steps"]!.AsArray().First()!;

    [Fact]
    public async Task Hostile_plan_files_are_refused_before_any_node_is_reached()
    {
        var inventory = trap.Inventory();
        async Task Refused(string expected, string file) => await AssertRefused(expected, "recover", "-i", inventory, "--plan", file, "--yes", "--state-dir", State);

        var plan = TrapPlan();
        Step(plan, "Contain")["action"]!["commands"]![1]!["unit"] = M("kube-proxy.service;touch {M}");
        await Refused("is not a kube-proxy, kubelet, k3s or rke2 systemd unit name", trap.Write("command.json", plan.ToJsonString()));

        plan = TrapPlan();
        Step(plan, "Contain")["action"]!["commands"]!.AsArray().Add(new JsonObject { ["type"] = "custom", ["argv"] = new JsonArray("sh", "-c", M("touch {M}")) });
        await Refused("contain/node2/stop-kube-proxy", trap.Write("extra-command.json", plan.ToJsonString()));

        plan = TrapPlan();
        Step(plan, "Contain")["node"] = "../../etc";
        await Refused("not in the inventory", trap.Write("node.json", plan.ToJsonString()));

        plan = TrapPlan();
        Step(plan, "Preflight")["action"]!["file"] = "../../../etc/cron.d/pwned";
        await Refused("preflight/node2/", trap.Write("traversal.json", plan.ToJsonString()));

        plan = TrapPlan();
        Step(plan, "Preflight")["action"]!["file"] = "facts.txt\n";
        await Refused("is not a plain file name", trap.Write("newline-file.json", plan.ToJsonString()));

        plan = TrapPlan();
        Step(plan, "Contain")["id"] = Step(plan, "Contain")["id"]!.GetValue<string>() + "\n";
        await Refused("the id is not of the form phase/node/name", trap.Write("newline-id.json", plan.ToJsonString()));

        await Refused("not a valid kube-recover plan", trap.Write("yaml.json", "apiVersion: kube-recover/v1\n"));
        await Refused("not a valid kube-recover plan", trap.Write("latin.json", Encoding.UTF8.GetBytes(TrapPlan().ToJsonString()).Concat(new byte[] { 0xC3, 0x28 }).ToArray()));
        await Refused("4 MiB", trap.Write("huge.json", "{\"notes\": [\"" + new string('x', 5 * 1024 * 1024) + "\"]}"));
    }

    private const string ValidBackup = """
        {"apiVersion":"kube-recover/v1","kind":"Backup","action":"delete","service":"default/nginx-service","time":"2026-11-25T09:00:00Z",
         "toolVersion":"0.1.0","prefix":"/registry","clusterId":"cdf818194e3a8c32","memberId":"8e9e05c52164694d",
         "keys":[{"key":"/registry/services/specs/default/nginx-service","value":"azhzAAo=","createRevision":5,"modRevision":6}]}
        """;

    private string[] Restore(string file)
    {
        // A real (throw-away, self-signed) client certificate, so that a valid backup does get as far as connecting.
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=drill", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var cert = trap.Write("client.crt", certificate.ExportCertificatePem());
        var pem = trap.Write("client.key", key.ExportPkcs8PrivateKeyPem());
        return ["restore", "--backup", file, "--etcd-endpoints", $"https://127.0.0.2:{trap.Port}", "--etcd-cacert", cert, "--etcd-cert", cert, "--etcd-key", pem, "--yes"];
    }

    [Fact]
    public async Task Control_a_valid_backup_does_reach_the_trap()
    {
        await CliRun.RunAsync(Restore(trap.Write("backup.json", ValidBackup)));
        Assert.True(trap.Connections > 0, "the trap saw no etcd connection: the hostile backup drills would prove nothing");
    }

    [Theory]
    [InlineData("/registry/services/specs/default/nginx-service", "/etc/passwd", "not under the etcd prefix")]
    [InlineData("/registry/services/specs/default/nginx-service", "/registry/../etc/passwd", "not under the etcd prefix")]
    [InlineData("/registry/services/specs/default/nginx-service", "/registry/clusterrolebindings/pwned", "/registry/clusterrolebindings/pwned")]
    [InlineData("/registry/services/specs/default/nginx-service", "/registry/secrets/kube-system/pwned", "/registry/secrets/kube-system/pwned")]
    [InlineData("\"action\":\"delete\"", "\"action\":\"$(touch {M})\"", "expected 'delete' or 'strip'")]
    [InlineData("\"value\":\"azhzAAo=\"", "\"value\":\"`touch {M}`\"", "is not base64")]
    [InlineData("\"createRevision\":5", "\"createRevision\":-5", "impossible revisions")]
    [InlineData("\"service\":\"default/nginx-service\"", "\"service\":\"default/x;touch {M}\"", "service")]
    public async Task Hostile_backup_files_are_refused_before_etcd_is_reached(string replace, string with, string expected)
    {
        Assert.Contains(replace, ValidBackup);
        await AssertRefused(expected, Restore(trap.Write("backup.json", ValidBackup.Replace(replace, M(with), StringComparison.Ordinal))));
    }

    [Fact]
    public async Task Huge_invalid_utf8_and_non_json_backups_are_refused()
    {
        var huge = trap.Write("huge.json", "");
        using (var file = File.OpenWrite(huge)) file.SetLength(Recovery.Kubernetes.Etcd.BackupFile.MaxFileBytes + 1);
        await AssertRefused("bytes", Restore(huge));
        await AssertRefused("not a kube-recover backup", Restore(trap.Write("latin.json", Encoding.UTF8.GetBytes(ValidBackup).Concat(new byte[] { 0xC3, 0x28 }).ToArray())));
        await AssertRefused("not a kube-recover backup", Restore(trap.Write("yaml.json", "apiVersion: kube-recover/v1\n")));
    }
}
