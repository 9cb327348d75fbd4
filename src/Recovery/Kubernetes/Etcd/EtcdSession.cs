using Recovery.Access;
using Recovery.Kubernetes.Discovery;

namespace Recovery.Kubernetes.Etcd;

/// <summary>
/// An <see cref="EtcdStore"/> reached through one node: each etcd endpoint through a tunnel from that node (an SSH
/// local forward, or the address itself on the local node), the CA, client certificate and key read from the node
/// into memory only. Disposing closes the store, then the tunnels.
/// </summary>
internal sealed class EtcdSession : IAsyncDisposable
{
    private readonly IReadOnlyList<INodeTunnel> _tunnels;

    private EtcdSession(EtcdStore store, EtcdSettings settings, IReadOnlyList<INodeTunnel> tunnels)
    {
        Store = store;
        Settings = settings;
        _tunnels = tunnels;
    }

    public EtcdStore Store { get; }

    /// <summary>The settings as found on the node (real endpoints, not the tunnels).</summary>
    public EtcdSettings Settings { get; }

    public static Task<EtcdSession> OpenAsync(INodeShell shell, EtcdSettings settings, CancellationToken cancellationToken) =>
        OpenAsync(shell, settings, TimeSpan.FromSeconds(15), cancellationToken);

    /// <inheritdoc cref="OpenAsync(INodeShell, EtcdSettings, CancellationToken)"/>
    public static async Task<EtcdSession> OpenAsync(INodeShell shell, EtcdSettings settings, TimeSpan callTimeout, CancellationToken cancellationToken)
    {
        EtcdCredentials? credentials = null;
        if (settings.Endpoints.Any(e => e.Scheme == "https"))
        {
            if (!settings.HasClientCertificate) throw new EtcdStoreException($"{settings.Source}: https etcd endpoints but no --etcd-cafile/--etcd-certfile/--etcd-keyfile");
            credentials = new EtcdCredentials(
                await ReadAsync(shell, settings.CaFile!, "CA certificate", cancellationToken).ConfigureAwait(false),
                await ReadAsync(shell, settings.CertificateFile!, "client certificate", cancellationToken).ConfigureAwait(false),
                await ReadAsync(shell, settings.KeyFile!, "client key", cancellationToken).ConfigureAwait(false));
        }

        var tunnels = new List<INodeTunnel>();
        try
        {
            var endpoints = new List<Uri>();
            foreach (var endpoint in settings.Endpoints)
            {
                var tunnel = await shell.OpenTunnelAsync(endpoint.Host, endpoint.Port, cancellationToken).ConfigureAwait(false);
                tunnels.Add(tunnel);
                endpoints.Add(new UriBuilder(endpoint.Scheme, tunnel.LocalEndPoint.Address.ToString(), tunnel.LocalEndPoint.Port).Uri);
            }

            var connection = new EtcdConnection(endpoints, credentials, settings.Prefix) { CallTimeout = callTimeout };
            return new EtcdSession(EtcdStore.Connect(connection), settings, tunnels);
        }
        catch
        {
            foreach (var t in tunnels) await t.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Store.Dispose();
        foreach (var t in _tunnels) await t.DisposeAsync().ConfigureAwait(false);
    }

    private static async Task<byte[]> ReadAsync(INodeShell shell, string path, string what, CancellationToken cancellationToken)
    {
        try
        {
            var bytes = await shell.ReadFileAsync(path, cancellationToken).ConfigureAwait(false);
            if (bytes.Length == 0) throw new EtcdStoreException($"etcd {what} {shell.Node.Name}:{path} is empty");
            return bytes;
        }
        catch (Exception e) when (e is not EtcdStoreException and not OperationCanceledException)
        {
            // The message names the file only: never its content.
            throw new EtcdStoreException($"cannot read the etcd {what} {shell.Node.Name}:{path}: {e.Message}", e);
        }
    }
}
