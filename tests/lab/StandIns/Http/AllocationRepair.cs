using System.Numerics;
using Grpc.Core;
using Lab.StandIns.Storage;

namespace Lab.StandIns.Http;

/// <summary>
/// The kube-apiserver's ClusterIP and nodePort repair loops: at start and then every interval (3 minutes
/// upstream) the bitmaps are rebuilt from the stored Services. A bit no Service holds (a leak, e.g. after a
/// Service was deleted directly in etcd) is kept through two runs and freed on the third, as upstream
/// (numRepairsBeforeLeakCleanup = 3); a Service whose address is missing from the bitmap is marked.
/// </summary>
internal sealed class AllocationRepair(EtcdStore store, AllocationBitmaps bitmaps, TimeSpan interval)
{
    private const int RepairsBeforeLeakCleanup = 3;
    private readonly Dictionary<string, Dictionary<int, int>> _leaks = new()
    {
        [AllocationBitmaps.ServiceIps] = [],
        [AllocationBitmaps.NodePorts] = [],
    };

    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(ct);
            }
            catch (Exception e) when (e is RpcException or InvalidDataException or ApiError)
            {
                Log($"repair of the service allocators failed, will retry: {e.Message}");
            }
            try
            {
                await Task.Delay(interval, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async Task RunOnceAsync(CancellationToken ct)
    {
        // As upstream: snapshot the bitmaps first, then list the Services, then write only if the bitmaps did
        // not change meanwhile (a create or delete in between wins; the next run repairs).
        var ipSnapshot = await bitmaps.SnapshotAsync(AllocationBitmaps.ServiceIps, ct);
        var portSnapshot = await bitmaps.SnapshotAsync(AllocationBitmaps.NodePorts, ct);
        var (services, _) = await store.ListAsync(Resource.Services, null, ct);
        var ips = new HashSet<int>();
        var ports = new HashSet<int>();
        foreach (var s in services)
        {
            var (i, p) = bitmaps.Offsets(s.Object);
            ips.UnionWith(i);
            ports.UnionWith(p);
        }
        await RepairAsync(AllocationBitmaps.ServiceIps, ipSnapshot, ips, offset => bitmaps.Ranges.Address((uint)offset).ToString(), "cluster IP", ct);
        await RepairAsync(AllocationBitmaps.NodePorts, portSnapshot, ports, offset => (offset + bitmaps.Ranges.NodePortMin).ToString(System.Globalization.CultureInfo.InvariantCulture), "node port", ct);
    }

    private async Task RepairAsync(string name, (BigInteger Bits, long? Revision) snapshot, HashSet<int> inUse, Func<int, string> describe, string what, CancellationToken ct)
    {
        var storedBits = SetBits(snapshot.Bits);
        var leaks = _leaks[name];
        var nextLeaks = new Dictionary<int, int>();
        var rebuilt = BigInteger.Zero;
        foreach (var offset in inUse)
            rebuilt |= BigInteger.One << offset;
        var messages = new List<string>();
        foreach (var offset in storedBits.Where(o => !inUse.Contains(o)))
        {
            if (!leaks.TryGetValue(offset, out var count))
            {
                messages.Add($"the {what} {describe(offset)} may have leaked: flagging for later clean up");
                count = RepairsBeforeLeakCleanup - 1;
            }
            if (count > 0)
            {
                nextLeaks[offset] = count - 1;
                rebuilt |= BigInteger.One << offset;
            }
            else
            {
                messages.Add($"the {what} {describe(offset)} appears to have leaked: cleaning up");
            }
        }
        if (rebuilt != snapshot.Bits || snapshot.Revision is null)
        {
            if (!await bitmaps.WriteIfUnchangedAsync(name, rebuilt, snapshot.Revision, ct))
                return; // changed meanwhile: the leak counts stay as they were, the next run decides
        }
        _leaks[name] = nextLeaks;
        foreach (var m in messages)
            Log(m);
    }

    private static HashSet<int> SetBits(BigInteger bits)
    {
        var set = new HashSet<int>();
        var bytes = bits.IsZero ? [] : bits.ToByteArray(isUnsigned: true, isBigEndian: false);
        for (var b = 0; b < bytes.Length; b++)
            for (var bit = 0; bit < 8; bit++)
                if ((bytes[b] & (1 << bit)) != 0)
                    set.Add(b * 8 + bit);
        return set;
    }

    private static void Log(string message) => Console.Error.WriteLine($"kube-apiserver: {message}");
}
