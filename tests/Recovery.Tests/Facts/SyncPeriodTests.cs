using Recovery.Facts.Parsing;
using Recovery.Tests.Fixtures;

namespace Recovery.Tests.Facts;

/// <summary>kube-proxy's sync period, which sets how long the final check waits for an address to come back.</summary>
public sealed class SyncPeriodTests
{
    [Fact]
    public void Read_from_a_real_kube_proxy_config()
    {
        Assert.Equal(TimeSpan.FromSeconds(30), KubeProxyModeSources.ParseConfigSyncPeriod(Fixture.Read("kube-proxy/kubespray-config.conf")));
    }

    [Fact]
    public void Absent_or_unreadable_is_null()
    {
        Assert.Null(KubeProxyModeSources.ParseConfigSyncPeriod(Fixture.Read("kube-proxy/kthw-kube-proxy-config.yaml")));
        Assert.Null(KubeProxyModeSources.ParseConfigSyncPeriod("kind: KubeProxyConfiguration\nipvs: { syncPeriod: soon }\n"));
        Assert.Null(KubeProxyModeSources.ParseConfigSyncPeriod("{ not yaml"));
    }

    [Theory]
    [InlineData("30s", 30_000)]
    [InlineData("1m0s", 60_000)]
    [InlineData("1s", 1_000)]
    [InlineData("500ms", 500)]
    [InlineData("1h2m3.5s", 3_723_500)]
    public void Go_durations(string text, int milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), GoDuration.TryParse(text));

    [Theory]
    [InlineData("")]
    [InlineData("30")]
    [InlineData("s")]
    [InlineData("30 s")]
    [InlineData("-1s")]
    public void Not_durations(string text) => Assert.Null(GoDuration.TryParse(text));
}
