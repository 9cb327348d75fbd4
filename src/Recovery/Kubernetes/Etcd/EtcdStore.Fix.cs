using System.Net;
using Etcdserverpb;
using Google.Protobuf;
using Recovery.Kubernetes.Storage;

namespace Recovery.Kubernetes.Etcd;

internal sealed partial class EtcdStore
{
    /// <summary>
    /// Deletes the Service, its Endpoints and its EndpointSlices as read in <paramref name="target"/>: leader check,
    /// optional snapshot, durable backup, then one transaction guarded by every key's mod revision.
    /// A key changed since it was read gives an <see cref="EtcdConflictException"/> and nothing is deleted.
    /// </summary>
    public async Task<FixOutcome> DeleteServiceAsync(ServiceObjects target, FixRequest request, CancellationToken cancellationToken)
    {
        var health = await PrepareAsync(request, cancellationToken).ConfigureAwait(false);
        var keys = target.AllKeys;
        var backup = NewBackup("delete", target, health, request) with { Keys = keys.Select(ToBackupKey).ToList() };
        var path = await BackupFile.WriteAsync(backup, request.StateDirectory, cancellationToken).ConfigureAwait(false);

        var txn = new TxnRequest();
        foreach (var key in keys)
        {
            txn.Compare.Add(ModRevisionIs(key.Key, key.ModRevision));
            txn.Success.Add(new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = Bytes(key.Key) } });
            txn.Failure.Add(new RequestOp { RequestRange = new RangeRequest { Key = Bytes(key.Key) } });
        }

        var response = await CallAsync($"delete of {target.Ref}", d => _client.TransactionAsync(txn, deadline: d, cancellationToken: cancellationToken), cancellationToken).ConfigureAwait(false);
        if (!response.Succeeded) throw Conflict($"delete of {target.Ref} (backup {path} is unused)", keys, response);
        return new FixOutcome(FixAction.Delete, path, keys.Select(k => k.Key).ToList(), response.Header.Revision, null);
    }

    /// <summary>
    /// Rewrites the Service without <paramref name="addresses"/> in spec.externalIPs and LB ingress (wire-level edit),
    /// after the same checks and backup as a delete; the backup then records the revision written.
    /// Nothing to remove: nothing is written and no backup is made.
    /// </summary>
    public async Task<FixOutcome> StripServiceAsync(ServiceObjects target, IReadOnlyCollection<IPAddress> addresses, FixRequest request, CancellationToken cancellationToken)
    {
        StripResult strip;
        try
        {
            strip = StorageCodec.Strip(target.ServiceKey.Value, addresses);
        }
        catch (StorageFormatException e)
        {
            throw new EtcdStoreException($"{target.ServiceKey.Key} cannot be edited: {e.Message}", e);
        }

        if (!strip.Changed) return new FixOutcome(FixAction.Strip, null, [], 0, strip);
        var health = await PrepareAsync(request, cancellationToken).ConfigureAwait(false);
        var backup = NewBackup("strip", target, health, request) with
        {
            Keys = [ToBackupKey(target.ServiceKey)],
            StrippedValue = Convert.ToBase64String(strip.Value),
            RemovedAddresses = [.. strip.RemovedExternalIPs, .. strip.RemovedIngressIPs],
        };
        var path = await BackupFile.WriteAsync(backup, request.StateDirectory, cancellationToken).ConfigureAwait(false);

        var key = target.ServiceKey;
        var txn = new TxnRequest();
        txn.Compare.Add(ModRevisionIs(key.Key, key.ModRevision));
        txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = Bytes(key.Key), Value = ByteString.CopyFrom(strip.Value) } });
        txn.Failure.Add(new RequestOp { RequestRange = new RangeRequest { Key = Bytes(key.Key) } });
        var response = await CallAsync($"strip of {target.Ref}", d => _client.TransactionAsync(txn, deadline: d, cancellationToken: cancellationToken), cancellationToken).ConfigureAwait(false);
        if (!response.Succeeded) throw Conflict($"strip of {target.Ref} (backup {path} is unused)", [key], response);

        try
        {
            await BackupFile.UpdateAsync(path, backup with { WrittenModRevision = response.Header.Revision }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new EtcdStoreException($"{target.Ref} was stripped at etcd revision {response.Header.Revision}, but recording that revision in {path} failed ({e.Message}); restore still recognises the stripped value", e);
        }

        return new FixOutcome(FixAction.Strip, path, [key.Key], response.Header.Revision, strip);
    }

    /// <summary>Leader check and optional snapshot: everything that must hold before a backup is written.</summary>
    private async Task<EtcdHealth> PrepareAsync(FixRequest request, CancellationToken cancellationToken)
    {
        var health = await RequireLeaderAsync(cancellationToken).ConfigureAwait(false);
        if (request.SnapshotPath is { } snapshot) await SnapshotAsync(snapshot, cancellationToken).ConfigureAwait(false);
        return health;
    }

    private Backup NewBackup(string action, ServiceObjects target, EtcdHealth health, FixRequest request) => new()
    {
        Action = action,
        Service = target.Ref.ToString(),
        Time = DateTimeOffset.UtcNow,
        ToolVersion = request.ToolVersion,
        Prefix = Prefix,
        ClusterId = health.ClusterId,
        MemberId = health.FirstHealthy?.MemberIdHex ?? "",
        Keys = [],
    };

    private static BackupKey ToBackupKey(StoredKey key) => new(key.Key, Convert.ToBase64String(key.Value), key.CreateRevision, key.ModRevision);

    private static Compare ModRevisionIs(string key, long revision) => new()
    {
        Key = Bytes(key),
        Target = Compare.Types.CompareTarget.Mod,
        Result = Compare.Types.CompareResult.Equal,
        ModRevision = revision,
    };

    /// <summary>Which keys no longer have the mod revision read (the failure branch read each key).</summary>
    private static EtcdConflictException Conflict(string what, IReadOnlyList<StoredKey> keys, TxnResponse response)
    {
        var conflicts = new List<KeyConflict>();
        for (var i = 0; i < keys.Count && i < response.Responses.Count; i++)
        {
            var now = response.Responses[i].ResponseRange?.Kvs;
            var found = now is { Count: > 0 } ? $"mod revision {now[0].ModRevision}" : "the key deleted";
            if (now is not { Count: > 0 } || now[0].ModRevision != keys[i].ModRevision)
            {
                conflicts.Add(new KeyConflict(keys[i].Key, $"mod revision {keys[i].ModRevision} (as read)", found));
            }
        }

        return new EtcdConflictException(what, conflicts);
    }
}
