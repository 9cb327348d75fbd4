using Recovery.Execution;
using Recovery.Planning;
using static Recovery.Tests.Planning.Cluster;

namespace Recovery.Tests.Execution;

/// <summary>A controller puts the claim back after the fix: the final check reads the claims again and the run does not report success.</summary>
public sealed class ClaimPutBackTests : IDisposable
{
    private readonly string stateDir = Path.Combine(Path.GetTempPath(), $"kr-putback-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(stateDir)) Directory.Delete(stateDir, recursive: true);
    }

    private Task<RunResult> RunAsync(FakeCluster cluster) => cluster.RecoverSeedAsync(stateDir);

    [Fact]
    public async Task A_service_re_created_after_the_delete_fails_the_final_check_with_its_owner_named()
    {
        var cluster = FakeCluster.Seed(Seed(), Node1);
        cluster.Services[0] = cluster.Services[0] with { Labels = new() { ["argocd.argoproj.io/instance"] = "seed-app" } };
        cluster.Recreate = true;

        var result = await RunAsync(cluster);

        Assert.NotEqual(ExitCodes.Done, result.ExitCode);
        var check = result.Outcomes.Single(o => o.StepId == "verify/node2/no-service-claims");
        Assert.Equal(StepStatus.Failed, check.Status);
        Assert.Contains("default/nginx-service (spec.externalIPs) put back by Argo CD application seed-app", check.Detail, StringComparison.Ordinal);
        Assert.Contains("argocd app set seed-app --sync-policy none", check.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_controller_the_final_check_holds_and_the_run_ends_done()
    {
        var cluster = FakeCluster.Seed(Seed(), Node1);

        var result = await RunAsync(cluster);

        Assert.Equal(ExitCodes.Done, result.ExitCode);
        Assert.Equal(StepStatus.Done, result.Outcomes.Single(o => o.StepId == "verify/node2/no-service-claims").Status);
        Assert.Empty(cluster.Violations);
    }
}
