using Etcdserverpb;
using Recovery.Kubernetes.Storage;

namespace Recovery.Kubernetes.Etcd;

internal sealed partial class EtcdStore
{
    /// <summary>
    /// Every Node under <c>PREFIX/minions/</c>, read serializably: the member answers from its own copy, with or
    /// without a leader (a member cut off by the lockout still does), so the list may be stale. A value that
    /// cannot be decoded is reported with its reason, not fatal.
    /// </summary>
    public async Task<IReadOnlyList<(string Key, NodeObject? Node, string? Problem)>> ReadNodesAsync(CancellationToken cancellationToken)
    {
        var prefix = Keys.Nodes;
        var request = new RangeRequest
        {
            Key = Bytes(prefix),
            RangeEnd = Google.Protobuf.ByteString.CopyFrom(EtcdKeys.RangeEnd(prefix)),
            Serializable = true,
        };
        var response = await CallAsync($"serializable read of {prefix}", d => _client.GetAsync(request, deadline: d, cancellationToken: cancellationToken), cancellationToken).ConfigureAwait(false);
        return response.Kvs.Select(kv =>
        {
            var key = kv.Key.ToStringUtf8();
            try
            {
                return (key, (NodeObject?)StorageCodec.ReadNode(kv.Value.Memory), (string?)null);
            }
            catch (Exception e) when (e is StorageFormatException or EncryptedValueException)
            {
                return (key, null, e.Message);
            }
        }).ToList();
    }

    /// <summary>The members as this member knows them (etcd answers a member list from its own view, without a leader).</summary>
    public async Task<IReadOnlyList<EtcdMember>> ListMembersAsync(CancellationToken cancellationToken)
    {
        var response = await CallAsync("member list", d => _client.MemberListAsync(new MemberListRequest(), deadline: d, cancellationToken: cancellationToken), cancellationToken).ConfigureAwait(false);
        return response.Members.Select(m => new EtcdMember(m.Name, [.. m.PeerURLs, .. m.ClientURLs])).ToList();
    }
}

/// <summary>One etcd member: its name and every URL it listens on (peers and clients).</summary>
internal sealed record EtcdMember(string Name, IReadOnlyList<string> Urls);
