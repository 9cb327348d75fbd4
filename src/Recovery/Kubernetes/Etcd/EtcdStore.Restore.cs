using Etcdserverpb;
using Google.Protobuf;

namespace Recovery.Kubernetes.Etcd;

internal sealed partial class EtcdStore
{
    /// <summary>
    /// Puts back the exact bytes saved in a backup, in one transaction. Without <paramref name="force"/>: a delete
    /// backup requires every key to be absent (create revision 0), a strip backup requires the Service to still be
    /// the tool's own write (its mod revision, or the stripped value when the revision was not recorded), and the
    /// etcd cluster id must match. Otherwise an <see cref="EtcdConflictException"/> says which key is in the way.
    /// </summary>
    public async Task<RestoreOutcome> RestoreAsync(string backupPath, bool force, CancellationToken cancellationToken)
    {
        var backup = await BackupFile.ReadAsync(backupPath, Prefix, cancellationToken).ConfigureAwait(false);
        var health = await RequireLeaderAsync(cancellationToken).ConfigureAwait(false);
        if (!force && backup.ClusterId != health.ClusterId) throw new WrongEtcdClusterException(backupPath, backup.ClusterId, health.ClusterId);

        var txn = new TxnRequest();
        var expected = new List<string>();
        foreach (var key in backup.Keys)
        {
            if (!force)
            {
                if (backup.Action == "delete")
                {
                    txn.Compare.Add(new Compare { Key = Bytes(key.Key), Target = Compare.Types.CompareTarget.Create, Result = Compare.Types.CompareResult.Equal, CreateRevision = 0 });
                    expected.Add("absent");
                }
                else if (backup.WrittenModRevision is { } written)
                {
                    txn.Compare.Add(ModRevisionIs(key.Key, written));
                    expected.Add($"mod revision {written} (kube-recover's strip)");
                }
                else
                {
                    txn.Compare.Add(new Compare { Key = Bytes(key.Key), Target = Compare.Types.CompareTarget.Value, Result = Compare.Types.CompareResult.Equal, Value = ByteString.FromBase64(backup.StrippedValue!) });
                    expected.Add("the value kube-recover's strip wrote");
                }
            }

            txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = Bytes(key.Key), Value = ByteString.FromBase64(key.Value) } });
            txn.Failure.Add(new RequestOp { RequestRange = new RangeRequest { Key = Bytes(key.Key) } });
        }

        var response = await CallAsync($"restore of {backup.Service}", d => _client.TransactionAsync(txn, deadline: d, cancellationToken: cancellationToken), cancellationToken).ConfigureAwait(false);
        if (!response.Succeeded)
        {
            var conflicts = new List<KeyConflict>();
            for (var i = 0; i < backup.Keys.Count && i < response.Responses.Count; i++)
            {
                var now = response.Responses[i].ResponseRange?.Kvs;
                var found = now is { Count: > 0 } ? $"it exists (created at revision {now[0].CreateRevision}, mod revision {now[0].ModRevision})" : "it is absent";
                var ok = backup.Action == "delete" ? now is not { Count: > 0 } : now is { Count: > 0 } && (backup.WrittenModRevision is { } w ? now[0].ModRevision == w : now[0].Value.ToBase64() == backup.StrippedValue);
                if (!ok) conflicts.Add(new KeyConflict(backup.Keys[i].Key, expected[i], found));
            }

            throw new EtcdConflictException($"restore of {backup.Service} from {backupPath} refused (use force to overwrite)", conflicts);
        }

        return new RestoreOutcome(backup.Action, backup.Service, backup.Keys.Select(k => k.Key).ToList(), response.Header.Revision, force);
    }
}
