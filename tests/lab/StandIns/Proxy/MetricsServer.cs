using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Lab.StandIns.Proxy;

/// <summary>
/// kube-proxy's plain-HTTP metrics endpoint: GET /proxyMode, /healthz, /metrics. A few lines over a
/// TcpListener rather than Kestrel, because every lab node runs a kube-proxy and each should stay small.
/// </summary>
internal sealed class MetricsServer(IPEndPoint bind, string mode, Func<DateTimeOffset?> lastSynced) : IDisposable
{
    private readonly TcpListener _listener = new(bind);

    public void Start(CancellationToken ct)
    {
        try
        {
            _listener.Start();
        }
        catch (SocketException e)
        {
            throw new StartupException($"cannot listen on {bind}: {e.Message}");
        }
        _ = AcceptLoopAsync(ct);
    }

    private async Task AcceptLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(ct);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = ServeAsync(client, ct);
        }
    }

    private async Task ServeAsync(TcpClient client, CancellationToken ct)
    {
        using (client)
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(TimeSpan.FromSeconds(10));
                var stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
                var requestLine = await reader.ReadLineAsync(timeout.Token) ?? "";
                while (!string.IsNullOrEmpty(await reader.ReadLineAsync(timeout.Token)))
                {
                    // headers are not needed
                }
                var parts = requestLine.Split(' ');
                var path = parts.Length > 1 ? parts[1].Split('?')[0] : "";
                var (code, type, body) = parts[0] != "GET" ? (405, "text/plain", "method not allowed\n") : path switch
                {
                    "/proxyMode" => (200, "text/plain; charset=utf-8", mode),
                    "/healthz" => (200, "application/json", Health()),
                    "/metrics" => (200, "text/plain; version=0.0.4", Metrics()),
                    _ => (404, "text/plain; charset=utf-8", "404 page not found\n"),
                };
                var bytes = Encoding.UTF8.GetBytes(body);
                var head = $"HTTP/1.1 {code} {(code == 200 ? "OK" : code == 404 ? "Not Found" : "Method Not Allowed")}\r\n" +
                           $"Content-Type: {type}\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head), timeout.Token);
                await stream.WriteAsync(bytes, timeout.Token);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
            {
                // a client that went away
            }
        }
    }

    private string Health() =>
        $"{{\"lastUpdated\": \"{(lastSynced() ?? DateTimeOffset.UnixEpoch).ToString("O", CultureInfo.InvariantCulture)}\",\"currentTime\": \"{DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture)}\"}}";

    private string Metrics() =>
        "# HELP kubeproxy_sync_proxy_rules_last_timestamp_seconds The last time proxy rules were successfully synced.\n" +
        "# TYPE kubeproxy_sync_proxy_rules_last_timestamp_seconds gauge\n" +
        $"kubeproxy_sync_proxy_rules_last_timestamp_seconds {Gauge(lastSynced())}\n";

    /// <summary>
    /// The gauge as Prometheus' Go client writes a float (prometheus/common expfmt/text_create.go, writeFloat:
    /// strconv.AppendFloat(f, 'g', -1, 64)): 1.7966114699012346e+09; 0 before the first sync (a registered gauge never set).
    /// </summary>
    private static string Gauge(DateTimeOffset? synced) =>
        synced is { } t ? (t.ToUnixTimeMilliseconds() / 1000.0).ToString("0.################e+00", CultureInfo.InvariantCulture) : "0";

    public void Dispose() => _listener.Stop();
}
