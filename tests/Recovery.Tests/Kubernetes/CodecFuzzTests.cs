using System.Diagnostics;
using System.Net;
using Recovery.Kubernetes.Storage;
using Xunit.Abstractions;

namespace Recovery.Tests.Kubernetes;

/// <summary>
/// Mutation testing of the codec: every input must end in a valid result or a <see cref="StorageFormatException"/>
/// (never another exception type, never a hang). Seeded, so a failure reproduces.
/// </summary>
public sealed class CodecFuzzTests(ITestOutputHelper output)
{
    private static readonly IPAddress[] Hijacked = [IPAddress.Parse("10.77.0.11")];

    public static IEnumerable<object[]> Seeds() =>
    [
        ["nginx-service", K8sObjects.Service("default", "nginx-service", K8sObjects.NginxUid, "10.96.120.7", ["10.77.0.11"], ["10.77.0.11"], "LoadBalancer")],
        ["auger pod", Fixtures.Auger("storage-pod.bin")],
        ["node", K8sObjects.Node("master1", "10.77.0.11")],
        ["json service", System.Text.Encoding.UTF8.GetBytes("""{"kind":"Service","apiVersion":"v1","metadata":{"name":"a","namespace":"b","uid":"c","labels":{"x":"y"}},"spec":{"ports":[{"port":80,"targetPort":"web"}],"externalIPs":["10.77.0.11","1.2.3.4"]},"status":{"loadBalancer":{"ingress":[{"ip":"10.77.0.11"}]}}}""" + "\n")],
    ];

    [Theory]
    [InlineData("""{"kind":"Service","spec":{"externalIPs":["10.77.0.11"]},"spec":{"externalIPs":["10.77.0.11"]}}""")]
    [InlineData("""{"kind":"Service","kind":"Service","status":{"loadBalancer":{"ingress":[{"ip":"10.77.0.11","ip":"x"}]}}}""")]
    [InlineData("""{"kind":"Service","metadata":{"labels":{"a":1}},"spec":{"ports":[{"port":"80","targetPort":{}}]}}""")]
    [InlineData("""{"kind":"Service","spec":[],"status":"x"}""")]
    public void OddJsonEndsCleanly(string json)
    {
        Run([System.Text.Encoding.UTF8.GetBytes(json)]);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void TruncationAtEveryOffsetEndsCleanly(string name, byte[] seed)
    {
        var worst = Run(Enumerable.Range(0, seed.Length).Select(n => seed[..n]));
        output.WriteLine($"{name}: {seed.Length} truncations, slowest {worst.TotalMilliseconds:F2} ms");
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void EverySingleBitFlipEndsCleanly(string name, byte[] seed)
    {
        IEnumerable<byte[]> Flips()
        {
            for (var i = 0; i < seed.Length; i++)
            {
                for (var bit = 0; bit < 8; bit++)
                {
                    var copy = (byte[])seed.Clone();
                    copy[i] ^= (byte)(1 << bit);
                    yield return copy;
                }
            }
        }

        var worst = Run(Flips());
        output.WriteLine($"{name}: {seed.Length * 8} bit flips, slowest {worst.TotalMilliseconds:F2} ms");
    }

    [Fact]
    public void HugeClaimedLengthsAreRefusedWithoutAllocatingThem()
    {
        // raw (field 2) claiming 2^62 bytes, then 2^31-1, then a 10-byte varint that overflows.
        byte[][] inputs =
        [
            [.. "k8s\0"u8.ToArray(), 0x12, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40, 0x00],
            [.. "k8s\0"u8.ToArray(), 0x12, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0x00],
            [.. "k8s\0"u8.ToArray(), 0x12, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F],
            [.. "k8s\0"u8.ToArray(), 0x12, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01],
        ];
        var before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var input in inputs)
        {
            var e = Assert.Throws<StorageFormatException>(() => StorageCodec.Decode(input));
            Assert.Matches("claims|overflows|longer than 10 bytes", e.Message);
        }

        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1_000_000, "no allocation in proportion to a claimed length");
    }

    [Fact]
    public void DeepNestingIsRefused()
    {
        // Groups nested 10,000 deep inside the Service's spec, and messages nested inside unknown fields.
        var groups = new List<byte>();
        for (var i = 0; i < 10_000; i++) groups.Add(0x0B); // field 1, start group
        var service = new Proto().Msg(2, new Proto.RawBytes([.. groups]));
        var value = Proto.Envelope("v1", "Service", service.Bytes());
        var e = Assert.Throws<StorageFormatException>(() => StorageCodec.ReadService(value));
        Assert.Contains("nested deeper", e.Message);

        var deep = new Proto().Str(1, "x");
        for (var i = 0; i < 200; i++) deep = new Proto().Msg(9, deep);
        var nested = Proto.Envelope("v1", "Service", new Proto().Msg(1, new Proto().Str(1, "n").Str(3, "default")).Msg(77, deep).Bytes());
        Assert.Equal("n", StorageCodec.ReadService(nested).Name); // unknown fields are skipped, not descended
    }

    [Fact]
    public void RandomBytesAndRandomMutationsEndCleanly()
    {
        var random = new Random(20261125);
        var seeds = Seeds().Select(s => (byte[])s[1]).ToList();
        IEnumerable<byte[]> Inputs()
        {
            for (var i = 0; i < 2000; i++)
            {
                var bytes = new byte[random.Next(0, 300)];
                random.NextBytes(bytes);
                if (i % 2 == 0 && bytes.Length >= 4) "k8s\0"u8.CopyTo(bytes);
                yield return bytes;
            }

            for (var i = 0; i < 3000; i++)
            {
                var copy = (byte[])seeds[i % seeds.Count].Clone();
                for (var m = random.Next(1, 6); m > 0; m--) copy[random.Next(copy.Length)] = (byte)random.Next(256);
                yield return copy;
            }
        }

        var worst = Run(Inputs());
        output.WriteLine($"5000 random inputs, slowest {worst.TotalMilliseconds:F2} ms");
    }

    /// <summary>Feeds each input to every entry point; returns the slowest input's time.</summary>
    private static TimeSpan Run(IEnumerable<byte[]> inputs)
    {
        var worst = TimeSpan.Zero;
        var total = Stopwatch.StartNew();
        foreach (var input in inputs)
        {
            var one = Stopwatch.StartNew();
            Try(() => StorageCodec.Decode(input));
            Try(() => StorageCodec.ReadMetadata(input));
            Try(() => StorageCodec.ReadService(input));
            Try(() => StorageCodec.ReadNode(input));
            Try(() => StorageCodec.ReadEndpointSlice(input));
            Try(() =>
            {
                var result = StorageCodec.Strip(input, Hijacked);
                // A successful strip must itself decode.
                StorageCodec.ReadService(result.Value);
                return result;
            });
            if (one.Elapsed > worst) worst = one.Elapsed;
        }

        // Generous: a hang or quadratic blow-up would take far longer than this on any machine.
        Assert.True(total.Elapsed < TimeSpan.FromMinutes(2), $"fuzz run took {total.Elapsed}");
        Assert.True(worst < TimeSpan.FromSeconds(5), $"one input took {worst}");
        return worst;
    }

    private static void Try<T>(Func<T> action)
    {
        try
        {
            action();
        }
        catch (StorageFormatException)
        {
        }
        catch (Exception e)
        {
            Assert.Fail($"expected a result or StorageFormatException, got {e.GetType().Name}: {e.Message}");
        }
    }
}
