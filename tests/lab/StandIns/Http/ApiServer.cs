// Stand-in for kube-apiserver (lab only).
//
// Reproduces: the real flags (--advertise-address, --bind-address, --secure-port, --tls-cert-file,
// --tls-private-key-file, --client-ca-file, --anonymous-auth, --etcd-servers, --etcd-cafile, --etcd-certfile,
// --etcd-keyfile, --etcd-prefix, --service-cluster-ip-range (IPv4), --service-node-port-range; the rest
// are ignored); HTTPS with x509 client-certificate authentication;
// a stateless server over etcd 3 with the real keys (/registry/services/specs/NS/NAME, services/endpoints,
// endpointslices, minions) and the real value format (k8s\0 + runtime.Unknown + gogo-protobuf of core/v1 and
// discovery/v1 with upstream field numbers), resourceVersion = the key's mod revision, optimistic
// concurrency (409 Conflict), metav1.Status errors (404, 409, 422, 400); discovery, /version, health checks,
// a minimal /openapi/v2; Services, Endpoints, EndpointSlices, Nodes with get/list (also all namespaces,
// label and field selectors, server-side Table printing), create, update, strategic merge / JSON merge /
// JSON patch, delete, and the status subresource; ClusterIP and nodePort allocation with the allocators'
// bitmaps in etcd (/registry/ranges/serviceips, servicenodeports) and their repair loops (every 3 minutes,
// --lab-repair-interval to change; a leaked bit is freed on the third run); the Endpoints object and
// EndpointSlice the controllers would write for a Service with a selector.
//
// Does not reproduce: watch, authorization (any trusted certificate may do anything), admission plugins,
// namespaces as objects (any namespace name is accepted), other resources (Pods, ...), server-side apply
// (managedFields are kept for Update operations, in a simplified form: see ManagedFields), the v1.33+
// IPAddress allocator, garbage collection (a Service deleted directly in etcd keeps its Endpoints and
// EndpointSlice), encryption at rest, API priority and fairness, aggregated APIs.
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Lab.StandIns.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;

namespace Lab.StandIns.Http;

internal static class ApiServer
{
    public static async Task<int> RunAsync(Flags flags, CancellationToken ct)
    {
        var o = ApiServerOptions.From(flags);
        X509Certificate2 serving;
        X509Certificate2Collection? clientCa;
        try
        {
            serving = X509Certificate2.CreateFromPemFile(o.CertFile, o.KeyFile);
            clientCa = o.ClientCaFile is null ? null : Pem.Bundle(o.ClientCaFile);
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or IOException)
        {
            throw new StartupException($"cannot load TLS files: {e.Message}");
        }
        var etcd = new EtcdConnection(o.EtcdServers, o.EtcdCaFile, o.EtcdCertFile, o.EtcdKeyFile).Connect();
        var store = new EtcdStore(etcd, o.EtcdPrefix);
        var advertise = $"{o.AdvertiseAddress ?? (o.BindAddress.Equals(IPAddress.Any) ? "127.0.0.1" : o.BindAddress.ToString())}:{o.SecurePort}";
        var bitmaps = new AllocationBitmaps(store, o.Ranges);
        var repair = new AllocationRepair(store, bitmaps, o.RepairInterval);
        var api = new Dispatcher(new ResourceHandler(store, bitmaps), store, new ClientAuth(clientCa, o.AnonymousAuth), advertise);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(o.BindAddress, o.SecurePort, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(https =>
                {
                    https.ServerCertificate = serving;
                    https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
                    https.ClientCertificateValidation = (_, _, _) => true; // judged per request, to answer 401 like upstream
                });
            });
        });
        var app = builder.Build();
        app.Run(api.HandleAsync);
        try
        {
            await app.StartAsync(ct);
        }
        catch (IOException e)
        {
            throw new StartupException($"cannot listen on {o.BindAddress}:{o.SecurePort}: {e.Message}");
        }
        var repairs = repair.RunAsync(ct); // first run at start, as upstream, then every --lab-repair-interval
        Console.Error.WriteLine($"kube-apiserver (lab stand-in): serving on https://{o.BindAddress}:{o.SecurePort}, etcd {string.Join(",", o.EtcdServers)} prefix {store.Prefix}");
        try
        {
            await Task.Delay(Timeout.Infinite, ct);
        }
        catch (OperationCanceledException)
        {
        }
        await app.StopAsync(CancellationToken.None);
        await repairs;
        etcd.Dispose();
        return 0;
    }
}
