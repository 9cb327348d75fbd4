using dotnet_etcd;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;

namespace Recovery.Kubernetes.Etcd;

/// <summary>
/// The one way kube-recover touches etcd: kube-apiserver's objects under a prefix, read in pages, changed only
/// in guarded transactions after a durable backup. Thread-safe for sequential use by one recovery.
/// </summary>
internal sealed partial class EtcdStore : IDisposable
{
    private readonly EtcdConnection _connection;
    private readonly EtcdClient _client;
    private readonly Action<System.Net.Security.SslClientAuthenticationOptions>? _tls;

    private EtcdStore(EtcdConnection connection, EtcdClient client, Action<System.Net.Security.SslClientAuthenticationOptions>? tls)
    {
        _connection = connection;
        _client = client;
        _tls = tls;
        Keys = new EtcdKeys(connection.Prefix);
    }

    public string Prefix => Keys.Prefix;

    internal EtcdKeys Keys { get; }

    /// <summary>Creates the client (no network traffic yet). Bad endpoints, prefix or PEM give an <see cref="EtcdStoreException"/>.</summary>
    public static EtcdStore Connect(EtcdConnection connection)
    {
        if (connection.Endpoints.Count == 0) throw new EtcdStoreException("no etcd endpoint given (expected e.g. https://10.0.0.211:2379)");
        foreach (var e in connection.Endpoints)
        {
            if (e.Scheme is not ("https" or "http") || e.Port <= 0) throw new EtcdStoreException($"etcd endpoint '{e}' is not an http(s)://HOST:PORT address");
        }

        try
        {
            _ = new EtcdKeys(connection.Prefix);
        }
        catch (ArgumentException e)
        {
            throw new EtcdStoreException(e.Message);
        }

        var tls = connection.Credentials is { } c ? EtcdTls.Configure(c) : null;
        if (tls is null && connection.Endpoints.Any(e => e.Scheme == "https")) throw new EtcdStoreException("https etcd endpoints need --etcd-cacert, --etcd-cert and --etcd-key");
        var client = Create(connection.Endpoints, tls);
        return new EtcdStore(connection, client, tls);
    }

    /// <summary>Status of every endpoint, each asked on its own (a member answers for itself).</summary>
    public async Task<EtcdHealth> CheckHealthAsync(CancellationToken cancellationToken)
    {
        var statuses = await Task.WhenAll(_connection.Endpoints.Select(e => StatusOfAsync(e, cancellationToken))).ConfigureAwait(false);
        return new EtcdHealth(statuses);
    }

    /// <summary>Refuses (with the reason per endpoint) unless some endpoint answers and reports a leader.</summary>
    public async Task<EtcdHealth> RequireLeaderAsync(CancellationToken cancellationToken)
    {
        var health = await CheckHealthAsync(cancellationToken).ConfigureAwait(false);
        if (health.HasLeader) return health;
        var detail = string.Join("; ", health.Endpoints.Select(e => e.Healthy ? $"{e.Endpoint}: no leader" : $"{e.Endpoint}: {e.Error}"));
        throw new EtcdStoreException($"etcd has no leader, so nothing will be written ({detail})");
    }

    public void Dispose() => _client.Dispose();

    /// <summary>Responses up to this size are accepted (gRPC's default of 4 MiB is less than a page of large Nodes).</summary>
    private const int MaxResponseBytes = 64 * 1024 * 1024;

    private static EtcdClient Create(IEnumerable<Uri> endpoints, Action<System.Net.Security.SslClientAuthenticationOptions>? tls)
    {
        var list = string.Join(",", endpoints.Select(e => $"{e.Scheme}://{e.Host}:{e.Port}"));
        Action<Grpc.Net.Client.GrpcChannelOptions> channel = o => o.MaxReceiveMessageSize = MaxResponseBytes;
        return tls is null ? new EtcdClient(list, configureChannelOptions: channel) : new EtcdClient(list, tls, configureChannelOptions: channel);
    }

    private async Task<EndpointStatus> StatusOfAsync(Uri endpoint, CancellationToken cancellationToken)
    {
        try
        {
            using var one = Create([endpoint], _tls);
            var status = await one.StatusAsync(new StatusRequest(), deadline: Deadline(), cancellationToken: cancellationToken).ConfigureAwait(false);
            var errors = status.Errors.Count > 0 ? string.Join(", ", status.Errors) : null;
            return new EndpointStatus(endpoint, errors is null, status.Header.ClusterId, status.Header.MemberId, status.Leader, status.Version, (long)status.RaftIndex, errors);
        }
        catch (RpcException e)
        {
            return new EndpointStatus(endpoint, false, 0, 0, 0, "", 0, Describe(e));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // dotnet-etcd's retry loop can end a call past its deadline as a cancellation, not a DeadlineExceeded (seen
            // under load): still the member's silence, never the caller's Ctrl-C.
            return new EndpointStatus(endpoint, false, 0, 0, 0, "", 0, NoAnswer);
        }
    }

    private DateTime Deadline() => DateTime.UtcNow + _connection.CallTimeout;

    /// <summary>Runs one etcd call, turning gRPC failures into a clear <see cref="EtcdStoreException"/>.</summary>
    private async Task<T> CallAsync<T>(string what, Func<DateTime, Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call(Deadline()).ConfigureAwait(false);
        }
        catch (RpcException e)
        {
            throw new EtcdStoreException($"etcd {what} failed: {Describe(e)}", e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            // Not the caller's cancellation: the deadline, ended as a cancellation by dotnet-etcd (see StatusOfAsync).
            throw new EtcdStoreException($"etcd {what} failed: {NoAnswer}", e);
        }
    }

    private const string NoAnswer = "no answer before the deadline";

    private static string Describe(RpcException e) => e.StatusCode switch
    {
        StatusCode.DeadlineExceeded => NoAnswer,
        StatusCode.Unavailable => $"unreachable ({e.Status.Detail})",
        StatusCode.Unauthenticated or StatusCode.PermissionDenied => $"refused our credentials ({e.Status.Detail})",
        _ => $"{e.StatusCode}: {e.Status.Detail}",
    };

    private static ByteString Bytes(string key) => ByteString.CopyFromUtf8(key);

    private static StoredKey ToStored(Mvccpb.KeyValue kv) => new(kv.Key.ToStringUtf8(), kv.Value.ToByteArray(), kv.CreateRevision, kv.ModRevision);

    /// <summary>Reads one key (null when absent).</summary>
    public async Task<StoredKey?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var response = await CallAsync($"read of {key}", d => _client.GetAsync(new RangeRequest { Key = Bytes(key) }, deadline: d, cancellationToken: cancellationToken), cancellationToken).ConfigureAwait(false);
        return response.Kvs.Count == 0 ? null : ToStored(response.Kvs[0]);
    }
}
