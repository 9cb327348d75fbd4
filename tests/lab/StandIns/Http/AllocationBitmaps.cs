using System.Net;
using System.Numerics;
using System.Text.Json.Nodes;
using Lab.StandIns.Storage;

namespace Lab.StandIns.Http;

/// <summary>
/// The ClusterIP and nodePort allocators' state as the kube-apiserver keeps it in etcd: RangeAllocation
/// objects at /registry/ranges/serviceips ({range: the CIDR, data: a bitmap, bit i = the i-th address after
/// the network address}) and /registry/ranges/servicenodeports ({range: "30000-32767", data: bit i = port
/// 30000+i}); data is Go's big.Int.Bytes(), big-endian without leading zero bytes.
/// </summary>
internal sealed class AllocationBitmaps(EtcdStore store, ServiceRanges ranges)
{
    public const string ServiceIps = "serviceips";
    public const string NodePorts = "servicenodeports";

    public ServiceRanges Ranges => ranges;

    public string RangeSpec(string name) => name == ServiceIps ? ranges.Cidr : $"{ranges.NodePortMin}-{ranges.NodePortMax}";

    public async Task<BigInteger> ReadAsync(string name, CancellationToken ct)
    {
        var stored = await store.GetAsync(Resource.RangeAllocations, null, name, ct);
        return stored is null ? BigInteger.Zero : Bits(stored.Object);
    }

    /// <summary>The bitmap and the key's revision (null when the key does not exist yet).</summary>
    public async Task<(BigInteger Bits, long? Revision)> SnapshotAsync(string name, CancellationToken ct)
    {
        var stored = await store.GetAsync(Resource.RangeAllocations, null, name, ct);
        return stored is null ? (BigInteger.Zero, null) : (Bits(stored.Object), stored.ModRevision);
    }

    /// <summary>Writes the bitmap only if nobody changed it since the snapshot; false when someone did.</summary>
    public async Task<bool> WriteIfUnchangedAsync(string name, BigInteger bits, long? revision, CancellationToken ct)
    {
        var obj = new JsonObject
        {
            ["metadata"] = new JsonObject(),
            ["range"] = RangeSpec(name),
            ["data"] = Convert.ToBase64String(bits.IsZero ? [] : bits.ToByteArray(isUnsigned: true, isBigEndian: true)),
        };
        var (outcome, _) = revision is long rev
            ? await store.UpdateAsync(Resource.RangeAllocations, null, name, obj, rev, ct)
            : await store.CreateAsync(Resource.RangeAllocations, null, name, obj, ct);
        return outcome == WriteOutcome.Done;
    }

    /// <summary>Read-modify-write with compare-and-swap on the key's revision, as GuaranteedUpdate does.</summary>
    public async Task ChangeAsync(string name, Func<BigInteger, BigInteger> change, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var stored = await store.GetAsync(Resource.RangeAllocations, null, name, ct);
            var obj = stored?.Object ?? new JsonObject { ["metadata"] = new JsonObject() };
            var next = change(stored is null ? BigInteger.Zero : Bits(obj));
            obj["range"] = RangeSpec(name);
            obj["data"] = Convert.ToBase64String(next.IsZero ? [] : next.ToByteArray(isUnsigned: true, isBigEndian: true));
            var (outcome, _) = stored is null
                ? await store.CreateAsync(Resource.RangeAllocations, null, name, obj, ct)
                : await store.UpdateAsync(Resource.RangeAllocations, null, name, obj, stored.ModRevision, ct);
            if (outcome == WriteOutcome.Done)
                return;
        }
        throw new ApiError(409, "Conflict", $"rangeallocations \"{name}\": too many concurrent updates");
    }

    /// <summary>Marks what a Service holds after a write and frees what it held before and no longer does.</summary>
    public async Task ClaimAsync(JsonObject? before, JsonObject? after, CancellationToken ct)
    {
        var (ipsBefore, portsBefore) = Offsets(before);
        var (ipsAfter, portsAfter) = Offsets(after);
        if (!ipsBefore.SetEquals(ipsAfter))
            await ChangeAsync(ServiceIps, bits => Apply(bits, ipsAfter.Except(ipsBefore), ipsBefore.Except(ipsAfter)), ct);
        if (!portsBefore.SetEquals(portsAfter))
            await ChangeAsync(NodePorts, bits => Apply(bits, portsAfter.Except(portsBefore), portsBefore.Except(portsAfter)), ct);
    }

    /// <summary>Bit offsets of a Service's ClusterIPs and nodePorts inside the configured ranges.</summary>
    public (HashSet<int> Ips, HashSet<int> Ports) Offsets(JsonObject? svc)
    {
        var ips = new HashSet<int>();
        var ports = new HashSet<int>();
        var spec = svc?["spec"];
        foreach (var node in (spec?["clusterIPs"] as JsonArray ?? []).Append(spec?["clusterIP"]))
            if (node?.ToString() is { } text && IPAddress.TryParse(text, out var ip) && ranges.Contains(ip) && ranges.Offset(ip) is { } offset)
                ips.Add(offset);
        foreach (var port in spec?["ports"] as JsonArray ?? [])
            if (port?["nodePort"] is JsonValue v && v.TryGetValue<int>(out var n) && n >= ranges.NodePortMin && n <= ranges.NodePortMax)
                ports.Add(n - ranges.NodePortMin);
        return (ips, ports);
    }

    private static BigInteger Apply(BigInteger bits, IEnumerable<int> set, IEnumerable<int> clear)
    {
        foreach (var i in set)
            bits |= BigInteger.One << i;
        foreach (var i in clear)
            bits &= ~(BigInteger.One << i);
        return bits;
    }

    private static BigInteger Bits(JsonObject obj) =>
        new(Convert.FromBase64String(obj["data"]?.ToString() ?? ""), isUnsigned: true, isBigEndian: true);
}
