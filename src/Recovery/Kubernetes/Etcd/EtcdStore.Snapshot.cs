using Recovery.State;
using Etcdserverpb;
using Grpc.Core;

namespace Recovery.Kubernetes.Etcd;

internal sealed partial class EtcdStore
{
    /// <summary>How long a full snapshot may take.</summary>
    private static readonly TimeSpan SnapshotTimeout = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Streams a snapshot of the whole keyspace (as <c>etcdctl snapshot save</c>) into a new file at
    /// <paramref name="path"/> with mode 0600, fsynced. An incomplete stream deletes the partial file.
    /// </summary>
    public async Task<long> SnapshotAsync(string path, CancellationToken cancellationToken)
    {
        FileStream stream;
        try
        {
            stream = DurableFile.Open(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new EtcdStoreException($"cannot create snapshot file {path}: {e.Message}; nothing was changed in etcd", e);
        }

        long written = 0;
        ulong remaining = ulong.MaxValue;
        try
        {
            await _client.Snapshot(new SnapshotRequest(), r =>
            {
                stream.Write(r.Blob.Span);
                written += r.Blob.Length;
                remaining = r.RemainingBytes;
            }, cancellationToken, deadline: DateTime.UtcNow + SnapshotTimeout).ConfigureAwait(false);
            if (remaining != 0) throw new EtcdStoreException($"the etcd snapshot stream ended early ({written} bytes received, {remaining} announced as remaining)");
            DurableFile.Complete(stream, path);
            return written;
        }
        catch (Exception e) when (e is RpcException or IOException or EtcdStoreException)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            File.Delete(path);
            if (e is EtcdStoreException) throw;
            throw new EtcdStoreException($"etcd snapshot into {path} failed: {(e is RpcException r ? Describe(r) : e.Message)}; nothing was changed in etcd", e);
        }
    }
}
