using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;

namespace Lab.StandIns.Proxy;

/// <summary>
/// Lists Services through the API server with the kubeconfig's credentials and returns the addresses IPVS
/// mode makes virtual servers for: every clusterIP(s), and (external) spec.externalIPs and status.loadBalancer.ingress[].ip.
/// </summary>
internal sealed class ServiceLister : IDisposable
{
    private readonly HttpClient _http;
    private readonly Uri _server;

    public ServiceLister(KubeConfig config, TimeSpan timeout)
    {
        _server = config.Server;
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = timeout,
            PooledConnectionLifetime = TimeSpan.FromSeconds(30),
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = config.ClientCertificate is null ? null : [config.ClientCertificate],
                RemoteCertificateValidationCallback = (_, cert, _, errors) => Trusted(config.Ca, cert, errors),
            },
        };
        _http = new HttpClient(handler) { Timeout = timeout };
    }

    public async Task<ServiceClaims> ClaimedAddressesAsync(CancellationToken ct)
    {
        using var response = await _http.GetAsync(new Uri(_server, "/api/v1/services"), ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (response.StatusCode != HttpStatusCode.OK)
            throw new HttpRequestException($"GET /api/v1/services: HTTP {(int)response.StatusCode} {Shorten(body)}");
        var items = JsonNode.Parse(body)?["items"] as JsonArray ?? throw new HttpRequestException("GET /api/v1/services: no items in the answer");
        var clusterIps = new HashSet<IPAddress>();
        var external = new HashSet<IPAddress>();
        foreach (var svc in items)
        {
            var spec = svc?["spec"];
            Add(clusterIps, (spec?["clusterIPs"] as JsonArray ?? []).Append(spec?["clusterIP"]));
            Add(external, (spec?["externalIPs"] as JsonArray ?? [])
                .Concat((svc?["status"]?["loadBalancer"]?["ingress"] as JsonArray ?? []).Select(i => i?["ip"])));
        }
        return new ServiceClaims(clusterIps, external);
    }

    private static void Add(HashSet<IPAddress> to, IEnumerable<JsonNode?> candidates)
    {
        foreach (var c in candidates)
            if (c?.ToString() is { } text && IPAddress.TryParse(text, out var ip))
                to.Add(ip);
    }

    private static bool Trusted(X509Certificate2Collection? ca, X509Certificate? cert, SslPolicyErrors errors)
    {
        if (cert is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
            return false;
        if (ca is null)
            return errors == SslPolicyErrors.None;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(new X509Certificate2(cert));
    }

    private static string Shorten(string text) => text.Length > 200 ? text[..200] + "..." : text;

    public void Dispose() => _http.Dispose();
}
