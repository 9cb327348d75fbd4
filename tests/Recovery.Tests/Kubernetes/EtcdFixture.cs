using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using dotnet_etcd;
using Etcdserverpb;
using Google.Protobuf;
using Recovery.Kubernetes.Etcd;

namespace Recovery.Tests.Kubernetes;

/// <summary>
/// A real single-member etcd 3.4 (Debian /usr/bin/etcd) on 127.0.0.1 free ports with TLS and client-certificate
/// authentication (ECDSA P-256 certificates made by openssl in a temp folder), killed and removed in Dispose.
/// Values are put with a plain dotnet-etcd client (not the code under test) and checked with etcdctl.
/// </summary>
public sealed class EtcdFixture : IDisposable
{
    private readonly Process _etcd;
    private readonly EtcdClient _raw;

    public EtcdFixture()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("kr-etcd-").FullName;
        MakeCertificates();
        var client = FreePort();
        var peer = FreePort();
        Endpoint = new Uri($"https://127.0.0.1:{client}");
        var start = new ProcessStartInfo("/usr/bin/etcd")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            ArgumentList =
            {
                "--name", "kr-test", "--data-dir", Path.Combine(Directory, "data"),
                "--listen-client-urls", Endpoint.ToString().TrimEnd('/'), "--advertise-client-urls", Endpoint.ToString().TrimEnd('/'),
                "--listen-peer-urls", $"http://127.0.0.1:{peer}", "--initial-advertise-peer-urls", $"http://127.0.0.1:{peer}",
                "--initial-cluster", $"kr-test=http://127.0.0.1:{peer}",
                "--cert-file", File("server.crt"), "--key-file", File("server.key"), "--trusted-ca-file", File("ca.crt"), "--client-cert-auth",
                "--log-level", "error", "--logger", "zap",
            },
        };
        _etcd = Process.Start(start) ?? throw new InvalidOperationException("etcd did not start");
        _etcd.OutputDataReceived += (_, _) => { };
        _etcd.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_log) _log.AppendLine(e.Data); };
        _etcd.BeginOutputReadLine();
        _etcd.BeginErrorReadLine();
        try
        {
            WaitHealthy();
        }
        catch
        {
            // xunit does not dispose a fixture whose constructor failed: clean up here.
            _etcd.Kill(entireProcessTree: true);
            _etcd.WaitForExit(10_000);
            _etcd.Dispose();
            System.IO.Directory.Delete(Directory, recursive: true);
            throw;
        }

        _raw = new EtcdClient(Endpoint.ToString().TrimEnd('/'), EtcdTls.Configure(Credentials));
    }

    public string Directory { get; }

    public Uri Endpoint { get; }

    /// <summary>What etcd has logged so far; its lines arrive on another thread, so read them only through this.</summary>
    public string Log { get { lock (_log) return _log.ToString(); } }

    private readonly StringBuilder _log = new();

    internal EtcdCredentials Credentials => new(System.IO.File.ReadAllBytes(File("ca.crt")), System.IO.File.ReadAllBytes(File("client.crt")), System.IO.File.ReadAllBytes(File("client.key")));

    internal EtcdConnection Connection(string prefix = "/registry") => new([Endpoint], Credentials, prefix);

    public string File(string name) => Path.Combine(Directory, name);

    /// <summary>The real kubeadm kube-apiserver manifest (Fixtures/apiserver), its etcd flags pointed at this etcd and its certificates.</summary>
    public string KubeadmManifest() =>
        System.IO.File.ReadAllText(Path.Combine(Fixtures.Directory("apiserver"), "kubeadm-kube-apiserver.yaml"))
            .Replace("https://127.0.0.1:2379", Endpoint.ToString().TrimEnd('/'), StringComparison.Ordinal)
            .Replace("/etc/kubernetes/pki/etcd/ca.crt", File("ca.crt"), StringComparison.Ordinal)
            .Replace("/etc/kubernetes/pki/apiserver-etcd-client.crt", File("client.crt"), StringComparison.Ordinal)
            .Replace("/etc/kubernetes/pki/apiserver-etcd-client.key", File("client.key"), StringComparison.Ordinal);

    /// <summary>Puts raw bytes (through dotnet-etcd directly, not through EtcdStore); returns the revision.</summary>
    public long Put(string key, byte[] value) =>
        _raw.Put(new PutRequest { Key = ByteString.CopyFromUtf8(key), Value = ByteString.CopyFrom(value) }).Header.Revision;

    /// <summary>Bulk load: transactions of 100 puts (etcd's default limit is 128 operations per transaction).</summary>
    public void PutMany(IEnumerable<(string Key, byte[] Value)> items)
    {
        foreach (var chunk in items.Chunk(100))
        {
            var txn = new TxnRequest();
            foreach (var (k, v) in chunk) txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = ByteString.CopyFromUtf8(k), Value = ByteString.CopyFrom(v) } });
            _raw.Transaction(txn);
        }
    }

    /// <summary>Runs etcdctl (API v3) against this etcd with the client certificate; returns stdout, fails on a non-zero exit.</summary>
    public string Etcdctl(params string[] args)
    {
        var start = new ProcessStartInfo("/usr/bin/etcdctl") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["ETCDCTL_API"] = "3";
        foreach (var a in new[] { $"--endpoints={Endpoint.ToString().TrimEnd('/')}", $"--cacert={File("ca.crt")}", $"--cert={File("client.crt")}", $"--key={File("client.key")}", "--command-timeout=30s" }) start.ArgumentList.Add(a);
        foreach (var a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"etcdctl {string.Join(' ', args)} failed ({p.ExitCode}): {stderr}");
        return stdout.Result;
    }

    /// <summary>Runs etcdctl with its stdout sent to /dev/null (as an operator would time it).</summary>
    /// <summary>Runs etcdctl with its output thrown away, under GNU time: returns etcdctl's peak RSS in KiB.</summary>
    public long EtcdctlToDevNull(params string[] args)
    {
        var start = new ProcessStartInfo("/bin/bash") { RedirectStandardError = true };
        start.Environment["ETCDCTL_API"] = "3";
        foreach (var a in new[] { "-c", "exec /usr/bin/time -f 'peak-rss-kib %M' /usr/bin/etcdctl \"$@\" >/dev/null", "etcdctl", $"--endpoints={Endpoint.ToString().TrimEnd('/')}", $"--cacert={File("ca.crt")}", $"--cert={File("client.crt")}", $"--key={File("client.key")}" }) start.ArgumentList.Add(a);
        foreach (var a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"etcdctl {string.Join(' ', args)} failed ({p.ExitCode}): {stderr}");
        var peak = stderr.Split('\n').LastOrDefault(l => l.StartsWith("peak-rss-kib ", StringComparison.Ordinal));
        return peak is null ? 0 : long.Parse(peak["peak-rss-kib ".Length..], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Keys under a prefix, as etcdctl lists them.</summary>
    public IReadOnlyList<string> Keys(string prefix) =>
        Etcdctl("get", "--prefix", "--keys-only", prefix).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The exact value bytes and revisions of a key, read by etcdctl (-w json gives base64), or null when absent.</summary>
    public (byte[] Value, long CreateRevision, long ModRevision)? Get(string key)
    {
        using var json = JsonDocument.Parse(Etcdctl("get", key, "-w", "json"));
        if (!json.RootElement.TryGetProperty("kvs", out var kvs) || kvs.GetArrayLength() == 0) return null;
        var kv = kvs[0];
        return (Convert.FromBase64String(kv.GetProperty("value").GetString()!), kv.GetProperty("create_revision").GetInt64(), kv.GetProperty("mod_revision").GetInt64());
    }

    public void Dispose()
    {
        _raw.Dispose();
        try
        {
            if (!_etcd.HasExited) _etcd.Kill(entireProcessTree: true);
            _etcd.WaitForExit(10_000);
        }
        finally
        {
            _etcd.Dispose();
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    private void WaitHealthy()
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_etcd.HasExited) throw new InvalidOperationException($"etcd exited with {_etcd.ExitCode}: {Log}");
            try
            {
                Etcdctl("endpoint", "health");
                return;
            }
            catch (InvalidOperationException) when (deadline.Elapsed < TimeSpan.FromSeconds(60))
            {
                Thread.Sleep(200);
            }
        }
    }

    private void MakeCertificates()
    {
        System.IO.File.WriteAllText(File("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n");
        System.IO.File.WriteAllText(File("client.ext"), "extendedKeyUsage=clientAuth\n");
        OpenSsl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", File("ca.key"));
        OpenSsl("req", "-x509", "-new", "-key", File("ca.key"), "-subj", "/CN=etcd-ca", "-days", "2", "-out", File("ca.crt"));
        foreach (var (name, cn) in new[] { ("server", "127.0.0.1"), ("client", "kube-apiserver-etcd-client") })
        {
            OpenSsl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", File($"{name}.key"));
            OpenSsl("req", "-new", "-key", File($"{name}.key"), "-subj", $"/CN={cn}", "-out", File($"{name}.csr"));
            OpenSsl("x509", "-req", "-in", File($"{name}.csr"), "-CA", File("ca.crt"), "-CAkey", File("ca.key"), "-CAcreateserial", "-days", "2", "-extfile", File($"{name}.ext"), "-out", File($"{name}.crt"));
        }
    }

    private static void OpenSsl(params string[] args)
    {
        var start = new ProcessStartInfo("openssl") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        var err = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"openssl {string.Join(' ', args)}: {err.Result}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
