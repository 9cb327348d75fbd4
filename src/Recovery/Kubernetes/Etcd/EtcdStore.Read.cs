using Etcdserverpb;
using Recovery.Kubernetes.Storage;

namespace Recovery.Kubernetes.Etcd;

internal sealed partial class EtcdStore
{
    /// <summary>
    /// Every Service under <c>PREFIX/services/specs/</c>: keys-only pages first (cheap, bounded responses), then
    /// values in batches, all at the revision of the first page so the scan is one consistent view.
    /// A value that cannot be decoded is reported with its reason, not fatal.
    /// </summary>
    public Task<ServiceScan> ScanServicesAsync(CancellationToken cancellationToken) => ScanServicesAsync(new ScanPaging(), cancellationToken);

    /// <inheritdoc cref="ScanServicesAsync(CancellationToken)"/>
    public async Task<ServiceScan> ScanServicesAsync(ScanPaging paging, CancellationToken cancellationToken)
    {
        var (pageSize, batchSize) = (Math.Max(1, paging.KeysPerPage), Math.Max(1, paging.ValuesPerBatch));
        var prefix = Keys.ServiceSpecs;
        var (revision, keys) = await ListKeysAsync(prefix, pageSize, cancellationToken).ConfigureAwait(false);
        var services = new List<ScannedService>(keys.Count);
        for (var i = 0; i < keys.Count; i += batchSize)
        {
            var batch = keys.GetRange(i, Math.Min(batchSize, keys.Count - i));
            var request = new RangeRequest
            {
                Key = Bytes(batch[0]),
                RangeEnd = Google.Protobuf.ByteString.CopyFrom([.. System.Text.Encoding.UTF8.GetBytes(batch[^1]), 0]),
                Revision = revision,
            };
            var response = await CallAsync($"read of Services at revision {revision}", d => _client.GetAsync(request, deadline: d, cancellationToken: cancellationToken), cancellationToken).ConfigureAwait(false);
            foreach (var kv in response.Kvs) services.Add(Decode(kv));
        }

        return new ServiceScan(revision, services);
    }

    /// <summary>A Service with its Endpoints and EndpointSlices, or null when the Service key does not exist.</summary>
    public async Task<ServiceObjects?> FindServiceAsync(ServiceRef service, CancellationToken cancellationToken)
    {
        var key = await GetAsync(Keys.Service(service), cancellationToken).ConfigureAwait(false);
        if (key is null) return null;
        ServiceObject decoded;
        try
        {
            decoded = StorageCodec.ReadService(key.Value);
        }
        catch (StorageFormatException e)
        {
            throw new EtcdStoreException($"{key.Key} cannot be read as a Service: {e.Message}", e);
        }

        var endpoints = await GetAsync(Keys.Endpoints(service), cancellationToken).ConfigureAwait(false);
        var slices = new List<StoredKey>();
        await foreach (var kv in RangeAsync(Keys.EndpointSlices(service.Namespace), 200, cancellationToken).ConfigureAwait(false))
        {
            EndpointSliceObject slice;
            try
            {
                slice = StorageCodec.ReadEndpointSlice(kv.Value.Memory);
            }
            catch (StorageFormatException)
            {
                continue; // not ours to judge: only slices we can prove belong to the Service are touched
            }

            if (slice.ServiceName == service.Name && slice.OwnerUids.Contains(decoded.Uid, StringComparer.Ordinal)) slices.Add(ToStored(kv));
        }

        return new ServiceObjects(service, decoded, key, endpoints, slices);
    }

    private static ScannedService Decode(Mvccpb.KeyValue kv)
    {
        var key = kv.Key.ToStringUtf8();
        try
        {
            return new ScannedService(key, kv.ModRevision, StorageCodec.ReadService(kv.Value.Memory), null);
        }
        catch (StorageFormatException e)
        {
            return new ScannedService(key, kv.ModRevision, null, e.Message);
        }
    }

    /// <summary>Keys only, in pages, pinned to the revision of the first page.</summary>
    private async Task<(long Revision, List<string> Keys)> ListKeysAsync(string prefix, int pageSize, CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        var end = Google.Protobuf.ByteString.CopyFrom(EtcdKeys.RangeEnd(prefix));
        var start = Bytes(prefix);
        long revision = 0;
        while (true)
        {
            var request = new RangeRequest { Key = start, RangeEnd = end, KeysOnly = true, Limit = pageSize, Revision = revision };
            var response = await CallAsync($"listing of {prefix}", d => _client.GetAsync(request, deadline: d, cancellationToken: cancellationToken), cancellationToken).ConfigureAwait(false);
            if (revision == 0) revision = response.Header.Revision;
            keys.AddRange(response.Kvs.Select(kv => kv.Key.ToStringUtf8()));
            if (!response.More || response.Kvs.Count == 0) return (revision, keys);
            start = Google.Protobuf.ByteString.CopyFrom([.. response.Kvs[^1].Key.Span, 0]);
        }
    }

    /// <summary>Keys and values under a prefix, page by page.</summary>
    private async IAsyncEnumerable<Mvccpb.KeyValue> RangeAsync(string prefix, int pageSize, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var end = Google.Protobuf.ByteString.CopyFrom(EtcdKeys.RangeEnd(prefix));
        var start = Bytes(prefix);
        long revision = 0;
        while (true)
        {
            var request = new RangeRequest { Key = start, RangeEnd = end, Limit = pageSize, Revision = revision };
            var response = await CallAsync($"read of {prefix}", d => _client.GetAsync(request, deadline: d, cancellationToken: cancellationToken), cancellationToken).ConfigureAwait(false);
            if (revision == 0) revision = response.Header.Revision;
            foreach (var kv in response.Kvs) yield return kv;
            if (!response.More || response.Kvs.Count == 0) yield break;
            start = Google.Protobuf.ByteString.CopyFrom([.. response.Kvs[^1].Key.Span, 0]);
        }
    }
}
