using System.Diagnostics;
using System.Net;
using Recovery.Kubernetes.Etcd;
using Recovery.Kubernetes.Storage;
using Xunit.Abstractions;

namespace Recovery.Tests.Kubernetes;

/// <summary>
/// Figures for the report, not pass/fail gates: run by tests/bench/etcd-scan.sh (KUBE_RECOVER_BENCH=1), which prints them.
/// Skipped in normal test runs (they load 10,000 Services and take a while on a shared machine).
/// </summary>
public sealed class Benchmarks(ITestOutputHelper output)
{
    private const int ServiceCount = 10_000;

    private static bool Enabled => Environment.GetEnvironmentVariable("KUBE_RECOVER_BENCH") == "1";

    private static List<(string Key, byte[] Value)> Services() =>
        Enumerable.Range(0, ServiceCount).Select(i =>
        {
            var ns = $"team-{i % 50:D2}";
            var name = $"svc-{i:D5}";
            var external = i == 7777 ? new[] { "10.77.0.11" } : [];
            return ($"/registry/services/specs/{ns}/{name}", K8sObjects.Service(ns, name, Guid.NewGuid().ToString(), $"10.96.{i / 250}.{i % 250 + 1}", external, type: i % 3 == 0 ? "NodePort" : "ClusterIP"));
        }).ToList();

    [SkippableFact]
    public void CodecThroughput()
    {
        Skip.IfNot(Enabled, "set KUBE_RECOVER_BENCH=1 (tests/bench/etcd-scan.sh) to measure");
        var values = Services().Select(s => s.Value).ToList();
        var bytes = values.Sum(v => (long)v.Length);
        var hijacked = new[] { IPAddress.Parse("10.77.0.11") };
        foreach (var (name, work) in new (string, Action<byte[]>)[]
                 {
                     ("decode Service", v => StorageCodec.ReadService(v)),
                     ("strip Service", v => StorageCodec.Strip(v, hijacked)),
                 })
        {
            for (var w = 0; w < 2; w++) foreach (var v in values) work(v); // warm up (tiered JIT)
            var runs = new List<double>();
            var cpu = new List<double>();
            using var self = Process.GetCurrentProcess();
            for (var r = 0; r < 5; r++)
            {
                self.Refresh();
                var cpuBefore = self.TotalProcessorTime;
                var watch = Stopwatch.StartNew();
                foreach (var v in values) work(v);
                runs.Add(watch.Elapsed.TotalSeconds);
                self.Refresh();
                cpu.Add((self.TotalProcessorTime - cpuBefore).TotalSeconds);
            }

            // Wall time depends on how busy the shared machine is; CPU time (whole process, so an upper bound) much less.
            var median = runs.Order().ElementAt(runs.Count / 2);
            var cpuMedian = cpu.Order().ElementAt(cpu.Count / 2);
            output.WriteLine($"FIGURE codec {name}: {ServiceCount} values, {bytes / 1024.0:F0} KiB, wall median {median * 1000:F1} ms = {bytes / median / 1e6:F1} MB/s ({ServiceCount / median:F0} Services/s); CPU median {cpuMedian * 1000:F1} ms = {bytes / Math.Max(cpuMedian, 1e-6) / 1e6:F1} MB/s per CPU-second");
        }
    }

    [SkippableFact]
    public async Task ScanTenThousandServicesAgainstEtcdctl()
    {
        Skip.IfNot(Enabled, "set KUBE_RECOVER_BENCH=1 (tests/bench/etcd-scan.sh) to measure");
        using var etcd = new EtcdFixture();
        var services = Services();
        var load = Stopwatch.StartNew();
        etcd.PutMany(services);
        output.WriteLine($"FIGURE loaded {ServiceCount} Services ({services.Sum(s => (long)s.Value.Length) / 1024} KiB) in {load.Elapsed.TotalSeconds:F1} s");

        using var store = EtcdStore.Connect(etcd.Connection());
        var ours = new List<double>();
        var theirs = new List<double>();
        long allocated = 0, retained = 0, etcdctlPeak = 0;
        for (var run = 0; run < 3; run++)
        {
            var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var watch = Stopwatch.StartNew();
            var scan = await store.ScanServicesAsync(CancellationToken.None);
            ours.Add(watch.Elapsed.TotalSeconds);
            allocated = Math.Max(allocated, GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore);
            retained = Math.Max(retained, GC.GetTotalMemory(forceFullCollection: true) - heapBefore);
            Assert.Equal(ServiceCount, scan.Services.Count);
            Assert.Equal("svc-07777", Assert.Single(scan.Claiming(IPAddress.Parse("10.77.0.11"))).Service!.Name);

            watch.Restart();
            etcdctlPeak = Math.Max(etcdctlPeak, etcd.EtcdctlToDevNull("get", "--prefix", "/registry/services/specs/"));
            theirs.Add(watch.Elapsed.TotalSeconds);
        }

        var a = ours.Order().ElementAt(1);
        var b = theirs.Order().ElementAt(1);
        output.WriteLine($"FIGURE scan of {ServiceCount} Services (keys-only pages + value batches + decode), median of 3: {a:F2} s; runs {string.Join(", ", ours.Select(x => x.ToString("F2")))}");
        output.WriteLine($"FIGURE etcdctl get --prefix /registry/services/specs/ > /dev/null, median of 3: {b:F2} s; runs {string.Join(", ", theirs.Select(x => x.ToString("F2")))}");
        output.WriteLine($"FIGURE ratio scan/etcdctl: {a / b:F2}");
        // Memory: the scan runs inside the test host, so its own peak RSS cannot be told apart; what it allocates
        // and what its result keeps alive are measured instead, against etcdctl's whole-process peak.
        output.WriteLine($"FIGURE memory: scan allocated {allocated / 1048576.0:F1} MiB, its result keeps {retained / 1048576.0:F1} MiB alive; etcdctl peak RSS {etcdctlPeak / 1024.0:F1} MiB");
    }
}
