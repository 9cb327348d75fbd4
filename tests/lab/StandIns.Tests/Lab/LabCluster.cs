using System.Diagnostics;

namespace Lab.StandIns.Tests.Lab;

/// <summary>
/// A throw-away network namespace with a real etcd 3.4 (TLS, client certificates from openssl) and the
/// stand-in kube-apiserver on its loopback, driven by the real kubectl 1.20 and etcdctl inside it.
/// Needs root, iproute2, etcd, etcdctl, openssl and tests/lab/.tools/kubectl (bash tests/lab/install.sh).
/// </summary>
public sealed class LabCluster : IDisposable
{
    public const string ApiPort = "6443";

    /// <summary>The allocator repair loop's period here (3 minutes upstream), so a leak is freed within seconds.</summary>
    public const int RepairSeconds = 2;
    private readonly List<Process> _processes = [];
    private Process? _apiServer;

    public LabCluster()
    {
        Kubectl = Path.Combine(RepoRoot(), "tests", "lab", ".tools", "kubectl");
        Missing = MissingPrerequisite();
        if (Missing is not null)
            return;
        Dir = Directory.CreateTempSubdirectory("standins-").FullName;
        Namespace = "sitest-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            MakeCertificates();
            MakeKubeconfig();
            Must(Run.Command(["ip", "netns", "add", Namespace]));
            Must(In("ip", "link", "set", "lo", "up"));
            // The node's own address on a "real" interface, for kube-proxy's bind-owner behaviour.
            Must(In("ip", "link", "add", "eth0", "type", "bridge"));
            Must(In("ip", "addr", "add", $"{OwnAddress}/24", "dev", "eth0"));
            Must(In("ip", "link", "set", "eth0", "up"));
            StartEtcd();
            StartApiServer();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Why the lab cannot run here, or null.</summary>
    public string? Missing { get; }

    public string Dir { get; } = "";

    public string Namespace { get; } = "";

    public string Kubectl { get; }

    public string KubeconfigPath => Path.Combine(Dir, "admin.conf");

    public static string OwnAddress => "10.77.0.11";

    public static string StandIn => Path.Combine(AppContext.BaseDirectory, "lab-standin");

    public string[] InNamespace(params string[] argv) => ["ip", "netns", "exec", Namespace, .. argv];

    public Run.Result In(params string[] argv) => Run.Command(InNamespace(argv));

    public Run.Result Kube(params string[] args) => Run.Command(InNamespace([Kubectl, "--kubeconfig", KubeconfigPath, "--request-timeout=20s", .. args]));

    public Run.Result KubeApply(string yaml) =>
        Run.Command(InNamespace(Kubectl, "--kubeconfig", KubeconfigPath, "apply", "-f", "-"), System.Text.Encoding.UTF8.GetBytes(yaml));

    public Run.Result Etcdctl(params string[] args) => Run.Command(InNamespace(
        ["etcdctl", "--endpoints", "https://127.0.0.1:2379", "--cacert", Pki("ca.crt"), "--cert", Pki("etcdclient.crt"), "--key", Pki("etcdclient.key"), .. args]));

    /// <summary>curl inside the namespace with the admin certificate (or another pair, or none).</summary>
    public Run.Result Curl(string method, string path, string? body = null, string contentType = "application/json", string? cert = "admin", string port = ApiPort)
    {
        List<string> argv = ["curl", "-s", "-w", "\n%{http_code}", "-X", method, "--cacert", Pki("ca.crt")];
        if (cert is not null)
            argv.AddRange(["--cert", Pki($"{cert}.crt"), "--key", Pki($"{cert}.key")]);
        if (body is not null)
            argv.AddRange(["-H", $"Content-Type: {contentType}", "--data-binary", body]);
        argv.Add($"https://127.0.0.1:{port}{path}");
        return Run.Command(InNamespace([.. argv]));
    }

    public string Pki(string file) => Path.Combine(Dir, "pki", file);

    public Process StartInNamespace(string logName, params string[] argv)
    {
        var p = Run.Background(InNamespace(argv), Path.Combine(Dir, logName));
        lock (_processes)
            _processes.Add(p);
        return p;
    }

    public void StopApiServer()
    {
        if (_apiServer is { HasExited: false })
        {
            _apiServer.Kill();
            _apiServer.WaitForExit();
        }
    }

    public void StartApiServer() => _apiServer = StartApiServer(ApiPort, "https://127.0.0.1:2379");

    /// <summary>Another stand-in kube-apiserver on PORT over the given --etcd-servers list.</summary>
    public Process StartApiServer(string port, string etcdServers)
    {
        var p = StartInNamespace($"kube-apiserver-{port}.log", StandIn, "kube-apiserver",
            "--advertise-address=127.0.0.1", "--bind-address", "127.0.0.1", $"--secure-port={port}",
            $"--tls-cert-file={Pki("apiserver.crt")}", $"--tls-private-key-file={Pki("apiserver.key")}",
            $"--client-ca-file={Pki("ca.crt")}", $"--etcd-servers={etcdServers}",
            $"--etcd-cafile={Pki("ca.crt")}", $"--etcd-certfile={Pki("etcdclient.crt")}",
            $"--etcd-keyfile={Pki("etcdclient.key")}", "--authorization-mode=Node,RBAC", "--allow-privileged=true",
            "--service-cluster-ip-range=10.96.0.0/12", $"--lab-repair-interval={RepairSeconds}s");
        Run.Eventually(() => Curl("GET", "/readyz", port: port).Text.StartsWith("ok", StringComparison.Ordinal), $"kube-apiserver stand-in on {port} ready");
        return p;
    }

    public string ApiLog
    {
        get
        {
            var path = Path.Combine(Dir, $"kube-apiserver-{ApiPort}.log");
            return File.Exists(path) ? File.ReadAllText(path) : "";
        }
    }

    public void Dispose()
    {
        lock (_processes)
        {
            foreach (var p in _processes)
            {
                try
                {
                    if (!p.HasExited)
                    {
                        p.Kill(entireProcessTree: true);
                        p.WaitForExit(10_000);
                    }
                }
                catch (InvalidOperationException)
                {
                }
                p.Dispose();
            }
            _processes.Clear();
        }
        if (Namespace.Length > 0)
            Run.Command(["ip", "netns", "del", Namespace]);
        if (Dir.Length > 0 && Directory.Exists(Dir))
            Directory.Delete(Dir, recursive: true);
    }

    private void StartEtcd()
    {
        StartInNamespace("etcd.log", "etcd", "--name", "m1", "--data-dir", Path.Combine(Dir, "etcd"),
            "--listen-client-urls", "https://127.0.0.1:2379", "--advertise-client-urls", "https://127.0.0.1:2379",
            "--listen-peer-urls", "http://127.0.0.1:2380", "--initial-advertise-peer-urls", "http://127.0.0.1:2380",
            "--initial-cluster", "m1=http://127.0.0.1:2380", "--cert-file", Pki("etcd.crt"), "--key-file", Pki("etcd.key"),
            "--client-cert-auth", "--trusted-ca-file", Pki("ca.crt"));
        Run.Eventually(() => Etcdctl("endpoint", "health").Code == 0, "etcd healthy");
    }

    private void MakeCertificates()
    {
        var pki = Directory.CreateDirectory(Path.Combine(Dir, "pki")).FullName;
        var script = """
            set -e
            cd "$1"
            openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj /CN=lab-ca 2>/dev/null
            openssl req -x509 -newkey rsa:2048 -nodes -keyout other.key -out other.crt -days 2 -subj /CN=intruder 2>/dev/null
            mk() {
              openssl req -newkey rsa:2048 -nodes -keyout $1.key -out $1.csr -subj "$2" 2>/dev/null
              printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth,clientAuth\n' "$3" > $1.ext
              openssl x509 -req -in $1.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out $1.crt -days 2 -extfile $1.ext 2>/dev/null
            }
            mk etcd /CN=etcd IP:127.0.0.1
            mk etcdclient /CN=kube-apiserver-etcd-client DNS:client
            mk apiserver /CN=kube-apiserver IP:127.0.0.1,DNS:kubernetes
            mk admin "/O=system:masters/CN=kubernetes-admin" DNS:admin
            """;
        Must(Run.Command(["bash", "-c", script, "certs", pki]));
    }

    private void MakeKubeconfig()
    {
        string B64(string f) => Convert.ToBase64String(File.ReadAllBytes(Pki(f)));
        File.WriteAllText(KubeconfigPath, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - cluster:
                certificate-authority-data: {B64("ca.crt")}
                server: https://127.0.0.1:{ApiPort}
              name: lab
            contexts:
            - context:
                cluster: lab
                user: admin
              name: admin@lab
            current-context: admin@lab
            users:
            - name: admin
              user:
                client-certificate-data: {B64("admin.crt")}
                client-key-data: {B64("admin.key")}
            """);
    }

    private string? MissingPrerequisite()
    {
        if (Environment.UserName != "root" && Environment.GetEnvironmentVariable("USER") != "root")
            return "needs root (network namespaces)";
        foreach (var tool in new[] { "ip", "etcd", "etcdctl", "openssl", "curl" })
            if (!Run.Available(tool))
                return $"{tool} is not installed (bash tests/lab/install.sh)";
        if (!File.Exists(Kubectl))
            return $"{Kubectl} missing (bash tests/lab/install.sh)";
        return File.Exists(StandIn) ? null : $"{StandIn} missing";
    }

    private static void Must(Run.Result r)
    {
        if (r.Code != 0)
            throw new InvalidOperationException(r.ToString());
    }

    private static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Recovery.sln")))
                return d.FullName;
        return "/nonexistent";
    }
}
