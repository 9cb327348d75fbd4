using System.Net;

namespace Lab.StandIns.Http;

/// <summary>The real kube-apiserver flags the stand-in honours (others are accepted and ignored).</summary>
internal sealed record ApiServerOptions(
    IPAddress BindAddress, int SecurePort, string? AdvertiseAddress, string CertFile, string KeyFile, string? ClientCaFile,
    bool AnonymousAuth, IReadOnlyList<string> EtcdServers, string? EtcdCaFile, string? EtcdCertFile, string? EtcdKeyFile, string EtcdPrefix,
    ServiceRanges Ranges, TimeSpan RepairInterval)
{
    public static ApiServerOptions From(Flags flags)
    {
        var bind = flags.Get("bind-address", "0.0.0.0");
        if (!IPAddress.TryParse(bind, out var bindAddress))
            throw new StartupException($"--bind-address={bind}: expected an IP address");
        var portText = flags.Get("secure-port", "6443");
        if (!int.TryParse(portText, out var port) || port is < 1 or > 65535)
            throw new StartupException($"--secure-port={portText}: expected a port number 1-65535");
        var cert = flags.Get("tls-cert-file") ?? throw new StartupException("--tls-cert-file is required (PEM serving certificate)");
        var key = flags.Get("tls-private-key-file") ?? throw new StartupException("--tls-private-key-file is required (PEM private key)");
        var servers = (flags.Get("etcd-servers") ?? throw new StartupException("--etcd-servers is required (comma-separated https://HOST:PORT)"))
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var file in new[] { cert, key, flags.Get("client-ca-file"), flags.Get("etcd-cafile"), flags.Get("etcd-certfile"), flags.Get("etcd-keyfile") })
            if (file is not null && !File.Exists(file))
                throw new StartupException($"{file}: no such file");
        return new ApiServerOptions(bindAddress, port, flags.Get("advertise-address"), cert, key, flags.Get("client-ca-file"),
            flags.Get("anonymous-auth", "true") != "false", servers, flags.Get("etcd-cafile"), flags.Get("etcd-certfile"),
            flags.Get("etcd-keyfile"), flags.Get("etcd-prefix", "/registry"),
            ServiceRanges.Parse(flags.Get("service-cluster-ip-range", "10.96.0.0/12"), flags.Get("service-node-port-range", "30000-32767")),
            GoDuration.Parse(flags.Get("lab-repair-interval", "3m"), "--lab-repair-interval"));
    }
}
