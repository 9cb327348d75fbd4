using System.Net;
using Recovery.Facts;
using Recovery.Inventory;
using Recovery.Kubernetes;
using Recovery.Planning;
using static Recovery.Tests.Planning.Cluster;

namespace Recovery.Tests.Planning;

public sealed class PlannerTests
{
    [Fact]
    public void A_node_that_did_not_hold_the_address_at_survey_time_still_gets_a_guarded_removal()
    {
        // node3's kube-proxy had not synced yet when the facts were read; it may bind the address before Contain.
        var facts = SeedFacts().Select(f => f.NodeName == "node3" ? FactsOf("node3", Node3, Systemd(), []) : f).ToList();
        var plan = Planner.Create(Seed(), facts, Intent(), "node2", Created);
        var del = plan.Step("unbind/node3/del-10.0.0.211");
        Assert.Equal(ProbeExpectation.PrintsNothing, del.Check!.Expect);
        Assert.True(plan.IndexOf("contain/node3/stop-kube-proxy") < plan.IndexOf(del.Id));
    }

    [Fact]
    public void Seed_has_the_seven_phases_in_order()
    {
        var plan = SeedPlan();
        Assert.Equal([PhaseKind.Preflight, PhaseKind.Contain, PhaseKind.Unbind, PhaseKind.VerifyReach, PhaseKind.FixObject, PhaseKind.Restore, PhaseKind.Verify],
            plan.Phases.Select(p => p.Kind));
        Assert.Equal("kube-recover/v2", plan.ApiVersion);
        Assert.Equal("Plan", plan.Kind);
        Assert.False(plan.IsEmpty);
    }

    [Fact]
    public void Where_an_API_answered_the_survey_the_Service_is_fixed_first_through_it_and_FixObject_stays_the_fallback()
    {
        var plan = Planner.Create(Seed(), SeedFacts(), Intent() with { FixFirstVia = "node3" }, "node2", Created);

        Assert.Equal([PhaseKind.Preflight, PhaseKind.FixFirst, PhaseKind.Contain, PhaseKind.Unbind, PhaseKind.VerifyReach, PhaseKind.FixObject, PhaseKind.Restore, PhaseKind.Verify],
            plan.Phases.Select(p => p.Kind));
        var first = Assert.Single(plan.Phases[1].Steps);
        Assert.Equal("fix-first/node3/delete-claiming-services", first.Id);
        var fix = Assert.IsType<KubectlFix>(first.Action);
        // One candidate, the API that answered; a short wait; no etcd write while the quorum is up.
        Assert.Equal("node3", Assert.Single(fix.Candidates).Node);
        Assert.Equal(TimeSpan.FromSeconds(5), fix.RequestTimeout);
        Assert.False(fix.EtcdFallback);
        Assert.IsType<KubectlFix>(Assert.Single(plan.Phases.Single(p => p.Kind == PhaseKind.FixObject).Steps).Action);
        PlanValidator.Validate(plan, Seed());
    }

    [Fact]
    public void Kube_proxies_an_earlier_run_stopped_are_started_again_even_with_no_address_left_to_recover()
    {
        // The earlier run fixed the Service first, stopped every kube-proxy, and was killed; the kube-proxies that saw the
        // fix had unbound the address themselves, so nothing holds it and nothing claims it.
        var marker = new StopMarker("plan", "2026-11-25T09:00:05Z", KubeProxyManager.Systemd, false, "kube-proxy.service", null);
        var facts = SeedFacts(Systemd(running: false) with { StoppedBy = marker }, ownerHolds: false)
            .Select(f => f with { Addresses = [.. f.Addresses.Where(a => a.Interface != NodeFacts.IpvsInterface || !a.Address.Equals(Node1))] }).ToList();

        var plan = Planner.Create(Seed(), facts, Intent() with { Addresses = [] }, "node2", Created);

        Assert.False(plan.IsEmpty);
        Assert.Equal(["node2", "node1", "node3"], plan.Phases.Single(p => p.Kind == PhaseKind.Restore).Steps.Select(s => s.Node).Distinct());
        Assert.Empty(plan.Phases.Single(p => p.Kind == PhaseKind.FixObject).Steps);
        Assert.Empty(plan.Phases.Single(p => p.Kind == PhaseKind.Unbind).Steps);
        Assert.Contains(plan.Notes, n => n.Contains("stopped by an earlier kube-recover run at", StringComparison.Ordinal));
    }

    [Fact]
    public void No_fix_first_through_etcd_or_through_a_node_without_kubectl()
    {
        var etcd = Planner.Create(Seed(), SeedFacts(), Intent(path: FixPath.Etcd) with { FixFirstVia = "node3" }, "node2", Created);
        var facts = SeedFacts();
        facts[2] = facts[2] with { Kubectl = new KubectlFacts(false, null) };
        var noKubectl = Planner.Create(Seed(), facts, Intent() with { FixFirstVia = "node3" }, "node2", Created);

        Assert.DoesNotContain(etcd.Phases, p => p.Kind == PhaseKind.FixFirst);
        Assert.DoesNotContain(noKubectl.Phases, p => p.Kind == PhaseKind.FixFirst);
    }

    [Fact]
    public void Seed_stops_kube_proxy_on_every_node_before_removing_its_address()
    {
        var plan = SeedPlan();
        foreach (var node in new[] { "node1", "node2", "node3" })
        {
            var stop = plan.Step($"contain/{node}/stop-kube-proxy");
            Assert.Equal(["systemctl stop kube-proxy.service"], stop.StopCommands());
            Assert.Equal("{ systemctl is-active --quiet kube-proxy.service >/dev/null 2>&1; case $? in 0|124|126|127|137) false ;; esac; }", ProbeScript.Condition(stop.Check!));
            var del = plan.Step($"unbind/{node}/del-10.0.0.211");
            Assert.Equal(["ip addr del 10.0.0.211/32 dev kube-ipvs0"], del.Commands());
            Assert.Equal("ip -o addr show dev kube-ipvs0 to 10.0.0.211/32", del.Check!.Command.Render());
            Assert.Equal(ProbeExpectation.PrintsNothing, del.Check.Expect);
            // Every kube-proxy is stopped before the first address goes, not only the node's own.
            Assert.True(plan.Steps.Where(s => s.Id.StartsWith("contain/", StringComparison.Ordinal)).All(s => plan.IndexOf(s.Id) < plan.IndexOf(del.Id)));
        }
    }

    [Fact]
    public void Seed_handles_the_local_node_first_in_contain_and_unbind()
    {
        var plan = SeedPlan();
        foreach (var kind in new[] { PhaseKind.Contain, PhaseKind.Unbind })
        {
            var phase = plan.Phase(kind);
            Assert.Equal("node2", phase.FirstNode);
            Assert.Equal("node2", phase.Steps[0].Node);
        }
    }

    [Fact]
    public void Seed_checks_each_node_once_its_own_kube_proxy_has_synced_since_the_start()
    {
        var verify = SeedPlan().Phase(PhaseKind.Verify);
        // No blind wait to come first: every node's checks start together, each after its own kube-proxy's sync.
        Assert.Null(verify.FirstNode);
        Assert.DoesNotContain(verify.Steps, s => s.Action is Wait);
        foreach (var node in new[] { "node1", "node2", "node3" })
        {
            // Each node's first check is its kube-proxy's own sync signal, the blind two periods (70 s) its fallback.
            var first = verify.Steps.First(s => s.Node == node);
            Assert.Equal($"verify/{node}/kube-proxy-synced", first.Id);
            Assert.Equal(70, Assert.IsType<Recovery.Commands.KubeProxySynced>(first.Verify!.Probe.Command).FallbackSeconds);
            Assert.Equal(TimeSpan.FromSeconds(100), first.Verify.Budget);
        }
    }

    [Fact]
    public void Where_a_kube_proxy_gives_no_sync_signal_the_blind_wait_comes_first()
    {
        // An inventory's custom commands may run anything: no process named kube-proxy to ask.
        var spec = new KubeProxySpec(KubeProxyManager.Custom, ["/opt/kube/bin/proxyctl", "stop"], ["/opt/kube/bin/proxyctl", "start"]);
        var facts = SeedFacts();
        facts[2] = FactsOf("node3", Node3, new KubeProxyFacts(KubeProxyManager.Custom, true, "ipvs"), [Node1]);

        var verify = Planner.Create(Seed(spec), facts, Intent(), "node2", Created).Phase(PhaseKind.Verify);

        Assert.Equal(TimeSpan.FromSeconds(70), Assert.IsType<Wait>(verify.Steps[0].Action).Duration);
        Assert.Equal("node2", verify.Steps[0].Node);
        // The wait is the local node's: it runs alone first, so no node's checks start before it has passed.
        Assert.Equal("node2", verify.FirstNode);
        Assert.DoesNotContain(verify.Steps, s => s.Id == "verify/node3/kube-proxy-synced");
    }

    [Fact]
    public void Seed_checks_and_restores_the_owners_own_local_route()
    {
        var plan = SeedPlan();
        var route = plan.Step("unbind/node1/local-route-10.0.0.211");
        Assert.Equal(["ip route add local 10.0.0.211 dev eth0 table local proto kernel scope host src 10.0.0.211"], route.Commands());
        Assert.Equal("ip route show table local 10.0.0.211 dev eth0", route.Check!.Command.Render());
        Assert.Equal("local 10.0.0.211 ", route.Check.Text);
        Assert.True(plan.IndexOf("unbind/node1/del-10.0.0.211") < plan.IndexOf(route.Id));
        Assert.DoesNotContain(plan.Steps, s => s.Id.Contains("/local-route-", StringComparison.Ordinal) && s.Node != "node1");
    }

    [Fact]
    public void Seed_fixes_the_Service_before_any_kube_proxy_starts_and_restores_exactly_what_it_stopped()
    {
        var plan = SeedPlan();
        var fix = Assert.Single(plan.Phase(PhaseKind.FixObject).Steps);
        var kubectl = Assert.IsType<KubectlFix>(fix.Action);
        Assert.Equal(["node2", "node1", "node3"], kubectl.Candidates.Select(c => c.Node));
        Assert.Equal("/etc/kubernetes/admin.conf", kubectl.Candidates[0].Kubeconfig);
        Assert.True(kubectl.EtcdFallback);
        Assert.Null(kubectl.Service);
        Assert.All(plan.Phase(PhaseKind.Restore).Steps, s => Assert.True(plan.IndexOf(fix.Id) < plan.IndexOf(s.Id)));
        var starts = plan.Phase(PhaseKind.Restore).Starts().ToList();
        Assert.Equal(["restore/node2/start-kube-proxy", "restore/node1/start-kube-proxy", "restore/node3/start-kube-proxy"], starts.Select(s => s.Id));
        Assert.All(starts, s => Assert.Equal(["systemctl start kube-proxy.service"], s.Commands()));
        var stopped = plan.Phase(PhaseKind.Contain).Steps.Select(s => s.Node).Order();
        Assert.Equal(stopped, starts.Select(s => s.Node).Order());
    }

    [Fact]
    public void Seed_verifies_reach_and_waits_two_sync_periods_before_the_final_verify()
    {
        var plan = SeedPlan();
        var reach = plan.Phase(PhaseKind.VerifyReach).Steps;
        var api = plan.Step("reach/node2/api-node1");
        Assert.Equal("timeout 5 bash -c 'exec 3<>/dev/tcp/10.0.0.211/6443'", api.Verify!.Probe.Command.Render());
        Assert.Equal("ip route get 10.0.0.211", plan.Step("reach/node2/route-node1").Verify!.Probe.Command.Render());
        Assert.Contains(reach, s => s.Id == "reach/node3/etcd-node1");
        Assert.DoesNotContain(reach, s => s.Id == "reach/node1/api-node1");
        var verify = plan.Phase(PhaseKind.Verify).Steps;
        var synced = plan.Step("verify/node3/kube-proxy-synced").Verify!.Probe.Command.Render();
        Assert.StartsWith("bash -c 'p=$(pgrep -o -x kube-proxy) || exit 1; up=$(ps -o etimes= -p \"$p\") || exit 1;", synced, StringComparison.Ordinal);
        Assert.Contains("f=70;", synced, StringComparison.Ordinal);
        Assert.True(plan.IndexOf("verify/node3/kube-proxy-synced") < plan.IndexOf("verify/node3/unbound-10.0.0.211"));
        Assert.StartsWith("curl -s -m 3 http://127.0.0.1:10249/proxyMode || timeout 3 bash -c ", plan.Step("verify/node1/kube-proxy-running").Verify!.Probe.Command.Render(), StringComparison.Ordinal);
    }

    [Fact]
    public void Owner_without_the_address_newer_kube_proxy_is_still_contained_and_route_checked_but_not_unbound()
    {
        var plan = Planner.Create(Seed(), SeedFacts(ownerHolds: false), Intent(), "node2", Created);
        Assert.DoesNotContain(plan.Steps, s => s.Id == "unbind/node1/del-10.0.0.211");
        Assert.Contains(plan.Steps, s => s.Id == "contain/node1/stop-kube-proxy");
        Assert.Contains(plan.Steps, s => s.Id == "unbind/node1/local-route-10.0.0.211");
        Assert.Contains(plan.Steps, s => s.Id == "unbind/node3/del-10.0.0.211");
    }

    [Fact]
    public void Several_addresses_and_services_give_a_fix_per_service_and_ipvs_steps_per_port()
    {
        var facts = new List<NodeFacts>
        {
            FactsOf("node1", Node1, Systemd(), [Node1, Node2]),
            FactsOf("node2", Node2, Systemd(), [Node1, Node2]),
            FactsOf("node3", Node3, Systemd(), [Node1, Node2]),
        };
        var intent = Intent(FixAction.Strip, FixPath.Kubectl, [ServiceRef.Parse("default/nginx-service"), ServiceRef.Parse("web/front")], Node1, Node2)
            with { ServicePorts = [new ServicePort("tcp", 80)] };
        var plan = Planner.Create(Seed(), facts, intent, "node2", Created);
        var fixes = plan.Phase(PhaseKind.FixObject).Steps;
        Assert.Equal(["fix-object/node2/strip-default.nginx-service", "fix-object/node2/strip-web.front"], fixes.Select(s => s.Id));
        Assert.All(fixes, s => Assert.False(Assert.IsType<KubectlFix>(s.Action).EtcdFallback));
        foreach (var node in new[] { "node1", "node2", "node3" })
        {
            Assert.Contains(plan.Steps, s => s.Id == $"unbind/{node}/del-10.0.0.211");
            Assert.Contains(plan.Steps, s => s.Id == $"unbind/{node}/del-10.0.0.213");
        }
        var ipvs = plan.Step("unbind/node3/ipvs-tcp-10.0.0.213-80");
        Assert.Equal(["ipvsadm -D -t 10.0.0.213:80"], ipvs.Commands());
        Assert.Equal("command -v ipvsadm", ipvs.Guard!.Command.Render());
        Assert.Equal(["ipset del KUBE-IPVS-IPS 10.0.0.213"], plan.Step("unbind/node3/ipset-10.0.0.213").Commands());
        Assert.Contains(plan.Steps, s => s.Id == "unbind/node2/local-route-10.0.0.213");
    }

    [Fact]
    public void Load_balancer_ingress_address_of_a_worker_is_planned_like_an_external_ip()
    {
        // MetalLB handed out worker1's own address as status.loadBalancer.ingress[].ip (kubernetes #114815).
        var worker = IPAddress.Parse("10.0.0.221");
        var inventory = InventoryOf(new Node("node1", Node1, Masters), new Node("worker1", worker, new HashSet<NodeRole>()));
        var facts = new List<NodeFacts> { FactsOf("node1", Node1, Systemd(), [worker]), FactsOf("worker1", worker, Systemd(), [worker], kubectl: false) };
        var plan = Planner.Create(inventory, facts, Intent(FixAction.Delete, FixPath.Kubectl, null, worker), "worker1", Created);
        Assert.Equal("worker1", plan.Phase(PhaseKind.Unbind).FirstNode);
        Assert.Contains(plan.Steps, s => s.Id == "unbind/node1/del-10.0.0.221");
        Assert.Contains(plan.Steps, s => s.Id == "unbind/worker1/local-route-10.0.0.221");
        Assert.Contains(plan.Steps, s => s.Id == "reach/node1/route-worker1");
        var fix = Assert.IsType<KubectlFix>(Assert.Single(plan.Phase(PhaseKind.FixObject).Steps).Action);
        Assert.Equal(["node1"], fix.Candidates.Select(c => c.Node));
        Assert.Equal([worker], fix.Addresses);
    }

    [Fact]
    public void Unreachable_node_with_known_manager_gets_deferred_steps_and_a_warning()
    {
        var plan = Planner.Create(Seed(new KubeProxySpec(KubeProxyManager.Systemd)), SeedFacts().Take(2).ToList(), Intent(), "node2", Created);
        Assert.Contains(plan.Warnings, w => w.Contains("node3 did not answer", StringComparison.Ordinal));
        var node3 = plan.Steps.Where(s => s.Node == "node3" && !s.Id.StartsWith("fix-object", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(node3);
        Assert.All(node3, s => Assert.True(s.Deferred, s.Id));
        Assert.Contains(node3, s => s.Id == "contain/node3/stop-kube-proxy");
        Assert.Contains(node3, s => s.Id == "unbind/node3/del-10.0.0.211");
        Assert.DoesNotContain(node3, s => s.Id.StartsWith("preflight/", StringComparison.Ordinal));
        Assert.All(plan.Steps.Where(s => s.Node != "node3"), s => Assert.False(s.Deferred, s.Id));
    }

    [Fact]
    public void Unreachable_node_with_unknown_manager_is_not_unbound_and_gets_console_commands()
    {
        var plan = Planner.Create(Seed(), SeedFacts().Take(2).ToList(), Intent(), "node2", Created);
        Assert.DoesNotContain(plan.Steps, s => s.Id is "contain/node3/stop-kube-proxy" or "unbind/node3/del-10.0.0.211");
        Assert.Contains(plan.Warnings, w => w.Contains("kube-proxy on node3 cannot be stopped by the tool", StringComparison.Ordinal)
                                             && w.Contains("ip addr del 10.0.0.211/32 dev kube-ipvs0", StringComparison.Ordinal));
    }

    [Fact]
    public void Static_pod_manifest_is_moved_aside_and_back()
    {
        var proxy = new KubeProxyFacts(KubeProxyManager.StaticPod, true, "ipvs", ManifestPath: "/etc/kubernetes/manifests/kube-proxy.yaml");
        var plan = Planner.Create(Seed(), SeedFacts(proxy), Intent(), "node2", Created);
        // Moved unless an earlier run moved it already (kubelet may not have stopped the pod then); done only once kube-proxy is silent too.
        Assert.Equal(["mkdir -p /var/lib/kube-recover/aside",
            "{ test '!' -e /etc/kubernetes/manifests/kube-proxy.yaml && test -e /var/lib/kube-recover/aside/kube-proxy.yaml; } || mv /etc/kubernetes/manifests/kube-proxy.yaml /var/lib/kube-recover/aside/kube-proxy.yaml"],
            plan.Step("contain/node1/stop-kube-proxy").StopCommands());
        Assert.StartsWith("{ test '!' -e /etc/kubernetes/manifests/kube-proxy.yaml && test -e /var/lib/kube-recover/aside/kube-proxy.yaml; } && sh -c 'curl -s -m 3 ",
            plan.Step("contain/node1/stop-kube-proxy").Check!.Command.Render(), StringComparison.Ordinal);
        Assert.StartsWith("curl -s -m 3 http://127.0.0.1:10249/proxyMode || timeout 3 bash -c ", plan.Step("contain/node1/stop-kube-proxy").Verify!.Probe.Command.Render(), StringComparison.Ordinal);
        Assert.Equal(["mv /var/lib/kube-recover/aside/kube-proxy.yaml /etc/kubernetes/manifests/kube-proxy.yaml"], plan.Step("restore/node1/start-kube-proxy").Commands());
    }

    [Fact]
    public void Static_pod_under_a_stopped_kubelet_is_not_planned_to_stop_by_a_manifest_move()
    {
        // A stopped kubelet leaves its pods running: moving the manifest aside would leave kube-proxy binding the address.
        var proxy = new KubeProxyFacts(KubeProxyManager.StaticPod, true, "ipvs", ManifestPath: "/etc/kubernetes/manifests/kube-proxy.yaml");
        var facts = SeedFacts(proxy).Select(f => f.NodeName == "node1" ? f with { KubeletRunning = false } : f).ToList();
        var plan = Planner.Create(Seed(), facts, Intent(), "node2", Created);
        Assert.DoesNotContain(plan.Steps, s => s.Id is "contain/node1/stop-kube-proxy" or "restore/node1/start-kube-proxy");
        Assert.Contains(plan.Warnings, w => w.Contains("kube-proxy on node1 cannot be stopped by the tool: kubelet is not running there", StringComparison.Ordinal));
        Assert.Contains(plan.Steps, s => s.Id == "contain/node3/stop-kube-proxy");
    }

    [Fact]
    public void DaemonSet_docker_container_stops_kubelet_first_and_starts_kubelet_at_the_end()
    {
        var proxy = new KubeProxyFacts(KubeProxyManager.Docker, true, "ipvs", ContainerId: "3f2a9c1b7d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4");
        var plan = Planner.Create(Seed(), SeedFacts(proxy), Intent(), "node2", Created);
        Assert.Equal(["systemctl stop kubelet"], plan.Step("contain/node3/stop-kubelet").StopCommands());
        Assert.True(plan.IndexOf("contain/node3/stop-kubelet") < plan.IndexOf("contain/node3/stop-kube-proxy"));
        Assert.Equal([$"docker stop {proxy.ContainerId}"], plan.Step("contain/node3/stop-kube-proxy").StopCommands());
        // Stopped means: kubelet still stopped and no kube-proxy container of any attempt running (kubelet replaces a stopped one under a new id).
        Assert.Equal("{ systemctl is-active --quiet kubelet && echo 'kubelet is active'; } ; { docker ps -q --no-trunc --filter 'name=^/k8s_kube-proxy_' || echo 'docker ps failed'; }",
            plan.Step("contain/node3/stop-kube-proxy").Verify!.Probe.Command.Render());
        // ... and still so 10 s later: a kubelet a supervisor starts again has replaced the container by then.
        Assert.Equal(TimeSpan.FromSeconds(10), plan.Step("contain/node3/stop-kube-proxy").Verify!.Settle);
        Assert.Contains("sleep 10\n", ScriptPlanRenderer.Render(plan, Seed()), StringComparison.Ordinal);
        Assert.Equal(["restore/node2/start-kubelet", "restore/node1/start-kubelet", "restore/node3/start-kubelet"], plan.Phase(PhaseKind.Restore).Starts().Select(s => s.Id));
        Assert.Equal(["systemctl start kubelet"], plan.Step("restore/node3/start-kubelet").Commands());
    }

    [Fact]
    public void Containerd_container_is_stopped_with_crictl_after_kubelet()
    {
        var id = "9d8c7b6a5f4e3d2c1b0a99887766554433221100ffeeddccbbaa998877665544";
        var facts = SeedFacts(new KubeProxyFacts(KubeProxyManager.Containerd, true, "ipvs", ContainerId: id));
        var plan = Planner.Create(Seed(), facts, Intent(), "node2", Created);
        Assert.Equal([$"crictl stop {id}"], plan.Step("contain/node1/stop-kube-proxy").StopCommands());
        Assert.Equal("{ systemctl is-active --quiet kubelet && echo 'kubelet is active'; } ; { crictl ps -q --name '^kube-proxy$' || echo 'crictl ps failed'; }",
            plan.Step("contain/node1/stop-kube-proxy").Check!.Command.Render());
        Assert.True(plan.IndexOf("contain/node1/stop-kubelet") < plan.IndexOf("contain/node1/stop-kube-proxy"));
    }

    [Fact]
    public void Custom_manager_uses_the_inventorys_commands()
    {
        var spec = new KubeProxySpec(KubeProxyManager.Custom, ["/opt/kube/bin/proxyctl", "stop"], ["/opt/kube/bin/proxyctl", "start"]);
        var inventory = InventoryOf(new Node("node1", Node1, Masters, spec), new Node("node2", Node2, Masters, spec));
        var proxy = new KubeProxyFacts(KubeProxyManager.Custom, true, "ipvs");
        var facts = new List<NodeFacts> { FactsOf("node1", Node1, proxy, [Node1]), FactsOf("node2", Node2, proxy, [Node1]) };
        var plan = Planner.Create(inventory, facts, Intent(), "node2", Created);
        Assert.Equal(["/opt/kube/bin/proxyctl stop"], plan.Step("contain/node1/stop-kube-proxy").StopCommands());
        Assert.Equal(["/opt/kube/bin/proxyctl start"], plan.Step("restore/node1/start-kube-proxy").Commands());
    }

    [Fact]
    public void Kube_proxy_not_running_is_neither_stopped_nor_started()
    {
        var facts = SeedFacts();
        facts[2] = facts[2] with { KubeProxy = Systemd(running: false) };
        var plan = Planner.Create(Seed(), facts, Intent(), "node2", Created);
        Assert.DoesNotContain(plan.Steps, s => s.Id is "contain/node3/stop-kube-proxy" or "restore/node3/start-kube-proxy" or "verify/node3/kube-proxy-running");
        Assert.Contains(plan.Steps, s => s.Id == "unbind/node3/del-10.0.0.211");
    }

    [Fact]
    public void Kube_proxy_the_tool_stopped_earlier_is_started_again_by_a_later_plan()
    {
        // After stage 1 of a local-first recovery: node2's kube-proxy stopped and its copy of the address gone.
        var facts = SeedFacts();
        facts[1] = FactsOf("node2", Node2, Systemd(running: false), []);
        var without = Planner.Create(Seed(), facts, Intent(), "node2", Created);
        Assert.DoesNotContain(without.Steps, s => s.Id == "restore/node2/start-kube-proxy");
        var plan = Planner.Create(Seed(), facts, Intent(), "node2", Created, ["contain/node2/stop-kube-proxy", "unbind/node2/del-10.0.0.211"]);
        Assert.Contains(plan.Steps, s => s.Id == "contain/node2/stop-kube-proxy");
        Assert.Contains(plan.Steps, s => s.Id == "restore/node2/start-kube-proxy");
        Assert.Contains(plan.Steps, s => s.Id == "verify/node2/kube-proxy-running");
        Assert.Equal(without.FactsFingerprint, plan.FactsFingerprint);
        Assert.Contains(plan.Notes, n => n.Contains("stopped by an earlier run on node2", StringComparison.Ordinal));
    }

    [Fact]
    public void After_a_failed_Service_fix_a_new_plan_is_not_empty_while_kube_proxy_must_be_started()
    {
        // Unbind done everywhere, the Service fix failed, kube-proxy (and kubelet, DaemonSet) stopped by the tool.
        var proxy = new KubeProxyFacts(KubeProxyManager.Docker, false, "ipvs", ContainerId: "3f2a9c1b7d4e");
        var facts = new List<NodeFacts> { FactsOf("node1", Node1, proxy, [], kubelet: false), FactsOf("node2", Node2, proxy, [], kubelet: false), FactsOf("node3", Node3, proxy, [], kubelet: false) };
        Assert.True(Planner.Create(Seed(), facts, Intent(), "node2", Created).IsEmpty);
        string[] earlier = [.. new[] { "node1", "node2", "node3" }.SelectMany(n => new[] { $"contain/{n}/stop-kubelet", $"contain/{n}/stop-kube-proxy" })];
        var plan = Planner.Create(Seed(), facts, Intent(), "node2", Created, earlier);
        Assert.False(plan.IsEmpty);
        Assert.Single(plan.Phase(PhaseKind.FixObject).Steps);
        Assert.Equal(["restore/node2/start-kubelet", "restore/node1/start-kubelet", "restore/node3/start-kubelet"], plan.Phase(PhaseKind.Restore).Starts().Select(s => s.Id));
        // Nothing holds the address any more: every removal there is is guarded by its check, so it is skipped.
        Assert.All(plan.Steps.Where(s => s.Id.StartsWith("unbind/", StringComparison.Ordinal) && s.Id.Contains("/del-", StringComparison.Ordinal)),
            s => Assert.NotNull(s.Check));
    }

    [Fact]
    public void Nothing_hijacked_gives_an_empty_plan_that_says_so()
    {
        var facts = new List<NodeFacts> { FactsOf("node1", Node1, Systemd(), []), FactsOf("node2", Node2, Systemd(), []), FactsOf("node3", Node3, Systemd(running: false), []) };
        var plan = Planner.Create(Seed(), facts, Intent(), "node2", Created);
        Assert.True(plan.IsEmpty);
        Assert.Empty(plan.Phases);
        Assert.Contains(plan.Notes, n => n.StartsWith("Nothing to do", StringComparison.Ordinal));
        Assert.Contains(plan.Notes, n => n.Contains("node3 but not running", StringComparison.Ordinal));
        Assert.Contains("Nothing to do.", TextPlanRenderer.Render(plan), StringComparison.Ordinal);
    }

    [Fact]
    public void Via_etcd_and_auto_without_kubectl_fix_through_etcd()
    {
        var etcd = Planner.Create(Seed(), SeedFacts(), Intent(path: FixPath.Etcd), "node2", Created);
        Assert.IsType<EtcdFix>(Assert.Single(etcd.Phase(PhaseKind.FixObject).Steps).Action);
        var facts = SeedFacts().Select(f => f with { Kubectl = new KubectlFacts(false, null) }).ToList();
        var auto = Planner.Create(Seed(), facts, Intent(), "node2", Created);
        var step = Assert.Single(auto.Phase(PhaseKind.FixObject).Steps);
        Assert.IsType<EtcdFix>(step.Action);
        Assert.Equal("node2", step.Node);
    }

    [Fact]
    public void Planning_is_pure_the_same_facts_give_the_same_plan()
    {
        Assert.Equal(PlanJson.Write(SeedPlan()), PlanJson.Write(SeedPlan()));
        var other = Planner.Create(Seed(), SeedFacts(ownerHolds: false), Intent(), "node2", Created);
        Assert.NotEqual(SeedPlan().FactsFingerprint, other.FactsFingerprint);
    }

    [Fact]
    public void A_probe_that_timed_out_or_could_not_run_proves_nothing()
    {
        var absent = Probes.NotOnIpvsInterface(Node1);
        Assert.True(absent.HoldsFor(new Recovery.Access.CommandResult(1, "", "Device \"kube-ipvs0\" does not exist.", TimeSpan.Zero)));
        Assert.True(absent.HoldsFor(new Recovery.Access.CommandResult(0, "", "", TimeSpan.Zero)));
        Assert.False(absent.HoldsFor(new Recovery.Access.CommandResult(0, "9: kube-ipvs0    inet 10.0.0.211/32 scope global kube-ipvs0\n", "", TimeSpan.Zero)));
        Assert.False(absent.HoldsFor(new Recovery.Access.CommandResult(124, "", "", TimeSpan.FromSeconds(60))));
        Assert.False(absent.HoldsFor(new Recovery.Access.CommandResult(127, "", "ip: command not found", TimeSpan.Zero)));
        var notLocal = Probes.RouteNotLocal(Node1);
        Assert.True(notLocal.HoldsFor(new Recovery.Access.CommandResult(0, "10.0.0.211 dev eth0 src 10.0.0.213 uid 0 \n    cache \n", "", TimeSpan.Zero)));
        Assert.False(notLocal.HoldsFor(new Recovery.Access.CommandResult(0, "local 10.0.0.211 dev lo src 10.0.0.211 uid 0 \n    cache <local> \n", "", TimeSpan.Zero)));
        Assert.False(notLocal.HoldsFor(new Recovery.Access.CommandResult(2, "", "RTNETLINK answers: Network is unreachable", TimeSpan.Zero)));
    }

    [Fact]
    public void Unknown_local_node_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => Planner.Create(Seed(), SeedFacts(), Intent(), "node9", Created));
        Assert.Contains("node9", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_api_server_down_on_its_own_node_is_not_a_reach_check_and_the_plan_says_so()
    {
        // kube-apiserver stopped everywhere (manifests moved aside): each node's probe of its own 6443 is refused.
        var facts = SeedFacts().Select(f => f with
        {
            Reach = [.. f.Reach.Where(r => r.Port != 6443),
                     new ReachProbe(f.NodeName, f.NodeName switch { "node1" => Node1, "node2" => Node2, _ => Node3 }, 6443, false, "Connection refused")],
        }).ToList();
        var plan = Planner.Create(Seed(), facts, Intent(path: FixPath.Etcd), "node2", Created);

        Assert.DoesNotContain(plan.Steps, s => s.Id.Contains("/api-", StringComparison.Ordinal));
        Assert.Contains(plan.Steps, s => s.Id == "reach/node2/etcd-node1");
        Assert.Contains(plan.Steps, s => s.Id == "verify/node3/route-node1");
        Assert.Contains(plan.Notes, n => n.Contains("node1:6443 (kube-apiserver)", StringComparison.Ordinal) && n.Contains("Start them", StringComparison.Ordinal));
    }

    [Fact]
    public void Api_servers_that_answer_on_their_own_node_are_checked_from_every_other_node()
    {
        var plan = SeedPlan();
        foreach (var (from, to) in new[] { ("node2", "node1"), ("node3", "node1"), ("node1", "node2") })
        {
            Assert.Contains(plan.Steps, s => s.Id == $"reach/{from}/api-{to}");
            Assert.Contains(plan.Steps, s => s.Id == $"verify/{from}/api-{to}");
        }
    }
}
