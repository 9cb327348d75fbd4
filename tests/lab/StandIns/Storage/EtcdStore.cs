using System.Text.Json.Nodes;
using dotnet_etcd;
using Etcdserverpb;
using Google.Protobuf;

namespace Lab.StandIns.Storage;

/// <summary>
/// Objects in etcd under the kube-apiserver's keys, with optimistic concurrency on the key's mod revision
/// (the resourceVersion clients see). Stateless: every call reads or writes etcd.
/// </summary>
internal sealed class EtcdStore(EtcdClient etcd, string prefix)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    public string Prefix => prefix.TrimEnd('/');

    public async Task<StoredObject?> GetAsync(Resource resource, string? ns, string name, CancellationToken ct)
    {
        var response = await etcd.GetAsync(new RangeRequest { Key = Bytes(resource.Key(Prefix, ns, name)) },
            deadline: DateTime.UtcNow + Deadline, cancellationToken: ct);
        var kv = response.Kvs.FirstOrDefault();
        return kv is null ? null : new StoredObject(ObjectCodec.FromStorage(resource, kv.Value.ToByteArray(), kv.ModRevision), kv.ModRevision);
    }

    /// <summary>All objects of a namespace (or every namespace when ns is null), and the store's revision.</summary>
    public async Task<(IReadOnlyList<StoredObject> Items, long Revision)> ListAsync(Resource resource, string? ns, CancellationToken ct)
    {
        var start = resource.RangePrefix(Prefix, ns);
        var response = await etcd.GetAsync(new RangeRequest { Key = Bytes(start), RangeEnd = Bytes(RangeEnd(start)) },
            deadline: DateTime.UtcNow + Deadline, cancellationToken: ct);
        var items = new List<StoredObject>();
        foreach (var kv in response.Kvs)
            items.Add(new StoredObject(ObjectCodec.FromStorage(resource, kv.Value.ToByteArray(), kv.ModRevision), kv.ModRevision));
        return (items, response.Header.Revision);
    }

    public async Task<(WriteOutcome Outcome, long Revision)> CreateAsync(Resource resource, string? ns, string name, JsonObject obj, CancellationToken ct)
    {
        var key = Bytes(resource.Key(Prefix, ns, name));
        var txn = new TxnRequest();
        txn.Compare.Add(new Compare { Key = key, Target = Compare.Types.CompareTarget.Create, Result = Compare.Types.CompareResult.Equal, CreateRevision = 0 });
        txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = key, Value = ByteString.CopyFrom(ObjectCodec.ToStorage(resource, obj)) } });
        var response = await etcd.TransactionAsync(txn, deadline: DateTime.UtcNow + Deadline, cancellationToken: ct);
        return (response.Succeeded ? WriteOutcome.Done : WriteOutcome.AlreadyExists, response.Header.Revision);
    }

    /// <summary>Writes only if the key still has the mod revision the caller read.</summary>
    public async Task<(WriteOutcome Outcome, long Revision)> UpdateAsync(Resource resource, string? ns, string name, JsonObject obj, long expectedModRevision, CancellationToken ct)
    {
        var key = Bytes(resource.Key(Prefix, ns, name));
        var txn = new TxnRequest();
        txn.Compare.Add(new Compare { Key = key, Target = Compare.Types.CompareTarget.Mod, Result = Compare.Types.CompareResult.Equal, ModRevision = expectedModRevision });
        txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = key, Value = ByteString.CopyFrom(ObjectCodec.ToStorage(resource, obj)) } });
        txn.Failure.Add(new RequestOp { RequestRange = new RangeRequest { Key = key, CountOnly = true } });
        var response = await etcd.TransactionAsync(txn, deadline: DateTime.UtcNow + Deadline, cancellationToken: ct);
        if (response.Succeeded)
            return (WriteOutcome.Done, response.Header.Revision);
        var exists = response.Responses.FirstOrDefault()?.ResponseRange?.Count > 0;
        return (exists ? WriteOutcome.Conflict : WriteOutcome.NotFound, response.Header.Revision);
    }

    public async Task<(WriteOutcome Outcome, long Revision)> DeleteAsync(Resource resource, string? ns, string name, long? expectedModRevision, CancellationToken ct)
    {
        var key = Bytes(resource.Key(Prefix, ns, name));
        var txn = new TxnRequest();
        if (expectedModRevision is long rev)
            txn.Compare.Add(new Compare { Key = key, Target = Compare.Types.CompareTarget.Mod, Result = Compare.Types.CompareResult.Equal, ModRevision = rev });
        txn.Success.Add(new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = key } });
        var response = await etcd.TransactionAsync(txn, deadline: DateTime.UtcNow + Deadline, cancellationToken: ct);
        if (!response.Succeeded)
            return (WriteOutcome.Conflict, response.Header.Revision);
        var deleted = response.Responses.FirstOrDefault()?.ResponseDeleteRange?.Deleted ?? 0;
        return (deleted > 0 ? WriteOutcome.Done : WriteOutcome.NotFound, response.Header.Revision);
    }

    private static ByteString Bytes(string text) => ByteString.CopyFromUtf8(text);

    private static string RangeEnd(string start) => start[..^1] + (char)(start[^1] + 1);
}
