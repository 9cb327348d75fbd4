using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Recovery.Commands;

namespace Recovery.Tests.Commands;

/// <summary>
/// The sync check run for real: bash, pgrep, ps, curl and awk against a process named kube-proxy (a copy of sleep, in
/// a PID namespace of its own so no other kube-proxy on the machine counts) and a metrics endpoint on 127.0.0.1:10249
/// serving the gauge as the Prometheus Go client writes it.
/// </summary>
[Collection(nameof(KubeProxySyncedTests))]
public sealed class KubeProxySyncedTests
{
    private static string Now(double offsetSeconds = 0) =>
        (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0 + offsetSeconds).ToString("0.################e+00", CultureInfo.InvariantCulture);

    [Fact]
    public async Task Holds_once_the_gauge_is_at_or_after_the_process_start()
    {
        Assert.Equal(0, await RunAsync(gauge: () => Now(), fallbackSeconds: 60));
    }

    [Fact]
    public async Task A_sync_from_before_the_start_never_holds_even_past_the_fallback()
    {
        Assert.Equal(1, await RunAsync(gauge: () => Now(-3600), fallbackSeconds: 1));
    }

    [Fact]
    public async Task No_sync_since_the_start_holds_once_the_process_has_run_the_fallback()
    {
        // 0: the gauge of a kube-proxy that has not synced since it started (its API out of reach): it binds nothing.
        Assert.Equal(0, await RunAsync(gauge: () => "0", fallbackSeconds: 1));
        Assert.Equal(1, await RunAsync(gauge: () => "0", fallbackSeconds: 60));
    }

    [Fact]
    public async Task Without_the_gauge_it_holds_once_the_process_has_run_the_fallback()
    {
        Assert.Equal(0, await RunAsync(gauge: null, fallbackSeconds: 1));
        Assert.Equal(1, await RunAsync(gauge: null, fallbackSeconds: 60));
    }

    [Fact]
    public async Task Without_a_kube_proxy_process_it_never_holds()
    {
        Assert.Equal(1, await RunAsync(gauge: () => Now(), fallbackSeconds: 1, startProcess: false));
    }

    /// <returns>The check's exit code.</returns>
    private static async Task<int> RunAsync(Func<string>? gauge, int fallbackSeconds, bool startProcess = true)
    {
        var dir = Directory.CreateTempSubdirectory("kr-synced-");
        using var stop = new CancellationTokenSource();
        var listener = gauge is null ? null : new TcpListener(IPAddress.Loopback, 10249);
        listener?.Start();
        var serving = listener is null ? Task.CompletedTask : ServeAsync(listener, gauge!, stop.Token);
        try
        {
            File.Copy("/bin/sleep", Path.Combine(dir.FullName, "kube-proxy"));
            var check = new KubeProxySynced(fallbackSeconds).Render();
            // ps counts whole seconds: the process has run one of them before the check.
            var script = (startProcess ? $"{dir.FullName}/kube-proxy 30 & sleep 1.2; " : "") + $"{check}; rc=$?; kill %1 2>/dev/null; exit $rc";
            var psi = new ProcessStartInfo("unshare", ["--pid", "--fork", "--mount-proc", "bash", "-c", script]) { RedirectStandardError = true, RedirectStandardOutput = true };
            using var process = Process.Start(psi)!;
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            return process.ExitCode;
        }
        finally
        {
            await stop.CancelAsync();
            listener?.Stop();
            await serving;
            dir.Delete(recursive: true);
        }
    }

    private static async Task ServeAsync(TcpListener listener, Func<string> gauge, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            using (client)
            {
                var stream = client.GetStream();
                var buffer = new byte[4096];
                _ = await stream.ReadAsync(buffer, stop);
                var body = $"# TYPE {KubeProxySynced.Gauge} gauge\n{KubeProxySynced.Gauge} {gauge()}\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}"), stop);
            }
        }
    }
}
