using Recovery.Diagnosis;
using Recovery.Tests.Facts;

namespace Recovery.Tests.Diagnosis;

/// <summary>The text and JSON reports of every captured scenario against reviewed golden files (Diagnosis/Golden).</summary>
public sealed class ReportGoldenTests
{
    public static TheoryData<string> Cases => ["seed", "newer", "lb-ingress", "several", "unreachable", "not-ipvs", "owner-only"];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Text_report(string name)
    {
        Golden.Match($"{name}.txt", DiagnosisText.Render(await BuildAsync(name)));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Json_report(string name)
    {
        Golden.Match($"{name}.json", DiagnosisJson.Render(await BuildAsync(name)));
    }

    [Fact]
    public async Task Json_report_is_versioned_and_reads_back()
    {
        var report = await BuildAsync("seed");

        var document = DiagnosisJson.Read(DiagnosisJson.Render(report));

        Assert.Equal(("kube-recover/v1", "Diagnosis", true), (document.ApiVersion, document.Kind, document.LockoutFound));
        Assert.Equal("10.77.0.11", Assert.Single(document.Findings.Hijacked).Address);
        Assert.Equal(["node1", "node2", "node3"], document.Nodes.Select(n => n.Name));
        Assert.Equal("docker", document.Nodes[1].KubeProxy.Manager);
        Assert.Contains(document.Nodes[1].Routes, r => r.Destination == "10.77.0.11" && r.Wrong);
    }

    private static Task<DiagnosisReport> BuildAsync(string name) => name switch
    {
        "seed" => DiagnosisScenarios.RunAsync("seed", ["default/nginx-service"], n => n == "node3" ? Scenario.ModeAnswer.ConfigIpvs : Scenario.ModeAnswer.ProxyModeIpvs),
        "newer" => DiagnosisScenarios.RunAsync("newer", ["default/nginx-service"]),
        "lb-ingress" => DiagnosisScenarios.RunAsync("lb-ingress", ["ingress-nginx/ingress-nginx-controller"]),
        "several" => DiagnosisScenarios.RunAsync("several", ["default/nginx-service", "ops/legacy-gw"]),
        // A fixed reason keeps the golden stable; the real SocketException message is asserted in DiagnoserTests.
        "unreachable" => DiagnosisScenarios.RunAsync("seed", ["default/nginx-service"], unreachableNode: "node1", unreachableReason: "Connection refused"),
        "not-ipvs" => DiagnosisScenarios.RunAsync("not-ipvs", ["default/nginx-service"], _ => Scenario.ModeAnswer.ConfigIptables),
        "owner-only" => DiagnosisScenarios.RunAsync("owner-only", ["default/nginx-service"]),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };
}
