using System.Net;
using Recovery.Execution;
using Recovery.Inventory;
using Recovery.Kubernetes;
using Recovery.Planning;
using static Recovery.Tests.Planning.Cluster;

namespace Recovery.Tests.Execution;

public sealed class KubectlServiceFixTests : IDisposable
{
    private readonly string stateDir = Path.Combine(Path.GetTempPath(), $"kr-fix-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(stateDir)) Directory.Delete(stateDir, recursive: true);
    }

    private static KubectlFix Fix(FixAction action, ServiceRef? service = null) =>
        new(service, action, [Node1], [new KubectlCandidate("node2", "/etc/kubernetes/admin.conf")], TimeSpan.FromSeconds(10), false);

    private Task<KubectlServiceFix.Result> RunAsync(FakeCluster cluster, KubectlFix fix) =>
        new KubectlServiceFix(new(fix.Service, fix.Action, fix.Addresses, fix.RequestTimeout), stateDir, TimeSpan.FromSeconds(30)).RunAsync(new FakeShell(cluster, Seed().Nodes[1], true), "/etc/kubernetes/admin.conf", null, CancellationToken.None);

    [Fact]
    public async Task Strip_keeps_the_Service_and_its_other_addresses()
    {
        var cluster = FakeCluster.Seed(Seed(), Node1);
        cluster.Services[0].ExternalIPs.Add("192.0.2.20");
        var result = await RunAsync(cluster, Fix(FixAction.Strip));
        Assert.Equal(KubectlServiceFix.Outcome.Fixed, result.Outcome);
        Assert.Equal(["192.0.2.20"], cluster.Services.Single(s => s.Name == "nginx-service").ExternalIPs);
        Assert.Equal(["192.0.2.10"], cluster.Services.Single(s => s.Name == "other").ExternalIPs);
        var patch = cluster.Log.Single(e => e.Command.Contains(" patch ", StringComparison.Ordinal)).Command;
        Assert.Equal("kubectl --kubeconfig /etc/kubernetes/admin.conf --request-timeout=10s patch service -n default nginx-service --type=json -p " +
                     "'[{\"op\":\"test\",\"path\":\"/spec/externalIPs\",\"value\":[\"10.0.0.211\",\"192.0.2.20\"]},{\"op\":\"replace\",\"path\":\"/spec/externalIPs\",\"value\":[\"192.0.2.20\"]}]'", patch);
        Assert.True(File.Exists(Path.Combine(stateDir, "service.default.nginx-service.yaml")));
    }

    [Fact]
    public async Task On_RKE2_kubectl_runs_from_its_bin_folder_with_its_kubeconfig()
    {
        var cluster = FakeCluster.Seed(Seed(), Node1);
        var fixer = new KubectlServiceFix(new(null, FixAction.Delete, [Node1], TimeSpan.FromSeconds(10)), stateDir, TimeSpan.FromSeconds(30));
        var result = await fixer.RunAsync(new FakeShell(cluster, Seed().Nodes[1], true), "/etc/rancher/rke2/rke2.yaml", KubectlProgram.Rke2, CancellationToken.None);
        Assert.Equal(KubectlServiceFix.Outcome.Fixed, result.Outcome);
        Assert.Equal("/var/lib/rancher/rke2/bin/kubectl --kubeconfig /etc/rancher/rke2/rke2.yaml --request-timeout=10s delete service -n default nginx-service",
            cluster.Log.Single(e => e.Command.Contains(" delete ", StringComparison.Ordinal)).Command);
        Assert.All(cluster.Log, e => Assert.StartsWith(KubectlProgram.Rke2 + " ", e.Command, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Strip_of_the_only_address_removes_the_field_and_a_second_run_finds_nothing_to_do()
    {
        var cluster = FakeCluster.Seed(Seed(), Node1);
        Assert.Equal(KubectlServiceFix.Outcome.Fixed, (await RunAsync(cluster, Fix(FixAction.Strip))).Outcome);
        Assert.Empty(cluster.Services.Single(s => s.Name == "nginx-service").ExternalIPs);
        Assert.Contains("{\"op\":\"remove\",\"path\":\"/spec/externalIPs\"}", cluster.Log.Single(e => e.Command.Contains(" patch ", StringComparison.Ordinal)).Command, StringComparison.Ordinal);
        var again = await RunAsync(cluster, Fix(FixAction.Strip));
        Assert.Equal(KubectlServiceFix.Outcome.AlreadyFixed, again.Outcome);
    }

    [Fact]
    public async Task Strip_refuses_a_load_balancer_address_and_changes_nothing()
    {
        var cluster = FakeCluster.Seed(Seed(), Node1);
        cluster.Services.Clear();
        cluster.Services.Add(new FakeCluster.Service("web", "front", [], IngressIP: "10.0.0.211"));
        var result = await RunAsync(cluster, Fix(FixAction.Strip));
        Assert.Equal(KubectlServiceFix.Outcome.Failed, result.Outcome);
        Assert.Contains("use --action delete", result.Detail, StringComparison.Ordinal);
        Assert.Single(cluster.Services);
        Assert.DoesNotContain(cluster.Log, e => e.Command.Contains(" patch ", StringComparison.Ordinal) || e.Command.Contains(" delete ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Delete_of_a_load_balancer_Service_found_by_its_ingress_address()
    {
        var cluster = FakeCluster.Seed(Seed(), Node1);
        cluster.Services.Clear();
        cluster.Services.Add(new FakeCluster.Service("web", "front", [], IngressIP: "10.0.0.211"));
        var result = await RunAsync(cluster, Fix(FixAction.Delete));
        Assert.Equal(KubectlServiceFix.Outcome.Fixed, result.Outcome);
        Assert.Empty(cluster.Services);
        Assert.True(File.Exists(Path.Combine(stateDir, "service.web.front.yaml")));
    }

    [Fact]
    public async Task A_named_Service_already_gone_is_already_fixed()
    {
        var cluster = FakeCluster.Seed(Seed(), Node1);
        cluster.Services.Clear();
        var result = await RunAsync(cluster, Fix(FixAction.Delete, ServiceRef.Parse("default/nginx-service")));
        Assert.Equal(KubectlServiceFix.Outcome.AlreadyFixed, result.Outcome);
    }

    [Fact]
    public async Task An_API_that_does_not_answer_is_told_apart_from_a_failed_fix()
    {
        var cluster = FakeCluster.Seed(Seed(), Node1);
        cluster.ApiAnswers = _ => false;
        var result = await RunAsync(cluster, Fix(FixAction.Delete));
        Assert.Equal(KubectlServiceFix.Outcome.ApiDidNotAnswer, result.Outcome);
        Assert.Contains("connection to the server", result.Detail, StringComparison.Ordinal);
    }

    private Task<RunResult> RunWithEtcdAsync(FakeCluster cluster, RecordingEtcdFixer etcd) => cluster.RecoverSeedAsync(stateDir, etcd);

    [Fact]
    public async Task Auto_falls_back_to_etcd_when_no_API_answers_and_the_final_check_reads_etcd_too()
    {
        var cluster = FakeCluster.Seed(Seed(), Node1);
        cluster.ApiAnswers = _ => false;
        var etcd = new RecordingEtcdFixer(cluster);
        var result = await RunWithEtcdAsync(cluster, etcd);
        // No API answers kubectl's list: etcd, what every API server reads, is read instead, and holds no claim.
        Assert.Equal(ExitCodes.Done, result.ExitCode);
        var check = result.Outcomes.Single(o => o.StepId == "verify/node2/no-service-claims");
        Assert.Equal(StepStatus.Done, check.Status);
        Assert.Contains("no API answered; etcd holds no claim on 10.0.0.211", check.Detail, StringComparison.Ordinal);
        Assert.Equal(1, etcd.Reads);
        Assert.Equal((null, FixAction.Delete, stateDir), Assert.Single(etcd.Calls));
        Assert.Contains("through etcd", result.Outcomes.Single(o => o.Phase == PhaseKind.FixObject).Detail, StringComparison.Ordinal);
        Assert.Empty(cluster.Violations);
    }

    [Fact]
    public async Task A_claim_etcd_still_holds_when_no_API_answers_fails_the_final_check()
    {
        var cluster = FakeCluster.Seed(Seed(), Node1);
        cluster.ApiAnswers = _ => false;
        var etcd = new RecordingEtcdFixer(cluster) { ClaimBack = true };
        var result = await RunWithEtcdAsync(cluster, etcd);
        Assert.NotEqual(ExitCodes.Done, result.ExitCode);
        var check = result.Outcomes.Single(o => o.StepId == "verify/node2/no-service-claims");
        Assert.Equal(StepStatus.Failed, check.Status);
        Assert.Contains("etcd holds a claim again: default/nginx-service (spec.externalIPs)", check.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreadable_Service_value_in_etcd_leaves_the_final_check_unconfirmed()
    {
        var cluster = FakeCluster.Seed(Seed(), Node1);
        cluster.ApiAnswers = _ => false;
        var etcd = new RecordingEtcdFixer(cluster) { Unreadable = ["/registry/services/specs/default/secret: encrypted"] };
        var result = await RunWithEtcdAsync(cluster, etcd);
        Assert.NotEqual(ExitCodes.Done, result.ExitCode);
        var check = result.Outcomes.Single(o => o.StepId == "verify/node2/no-service-claims");
        Assert.Equal(StepStatus.Failed, check.Status);
        Assert.Contains("could not be read", check.Detail, StringComparison.Ordinal);
        Assert.Contains("not confirmed", check.Detail, StringComparison.Ordinal);
    }

    /// <summary>Test double of the etcd side: removes the claiming Service from the in-memory cluster.</summary>
    private sealed class RecordingEtcdFixer(FakeCluster cluster) : IEtcdServiceFixer
    {
        public List<(ServiceRef?, FixAction, string)> Calls { get; } = [];

        public Task<EtcdFixResult> FixAsync(ServiceRef? service, FixAction action, IReadOnlyList<IPAddress> addresses, string stateDir, CancellationToken cancellationToken)
        {
            Calls.Add((service, action, stateDir));
            var claiming = cluster.Services.Where(s => s.ExternalIPs.Select(IPAddress.Parse).Any(addresses.Contains)).ToList();
            foreach (var s in claiming) cluster.Services.Remove(s);
            deleted.AddRange(claiming);
            return Task.FromResult(new EtcdFixResult(true, claiming.Select(s => new ServiceRef(s.Namespace, s.Name)).ToList(), Path.Combine(stateDir, "etcd-backup.json"), $"deleted {claiming.Count}"));
        }

        private readonly List<FakeCluster.Service> deleted = [];

        /// <summary>What etcd holds again after the fix: the deleted Services (as if written back), else nothing.</summary>
        public bool ClaimBack { get; init; }

        public IReadOnlyList<string> Unreadable { get; init; } = [];

        public int Reads { get; private set; }

        public Task<EtcdClaims> ReadClaimsAsync(IReadOnlyCollection<IPAddress> addresses, CancellationToken cancellationToken)
        {
            Reads++;
            var claims = cluster.Services.Concat(ClaimBack ? deleted : []).Select(s => new ServiceClaim(new ServiceRef(s.Namespace, s.Name),
                [.. s.ExternalIPs.Select(ip => new AddressClaim(ClaimField.ExternalIPs, IPAddress.Parse(ip), ip))], "etcd")).ToList();
            return Task.FromResult(new EtcdClaims(claims, Unreadable, "etcd"));
        }
    }
}
