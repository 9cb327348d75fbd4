using System.Net;
using Recovery.Kubernetes;

namespace Recovery.Planning;

/// <summary>What the operator asked for: the hijacked addresses and how to fix the Service(s) claiming them.</summary>
/// <param name="Services">Narrows the fix to these Services; null or empty: every Service claiming an address, found at run time.</param>
/// <param name="ServicePorts">The claiming Services' ports when known (from diagnose), for removing IPVS virtual servers; null: left to kube-proxy's next sync.</param>
/// <param name="SyncPeriod">kube-proxy's sync period (--sync-period / syncPeriod; 30 s by default).</param>
public sealed record RecoveryIntent(
    IReadOnlyList<IPAddress> Addresses,
    IReadOnlyList<ServiceRef>? Services,
    FixAction Action,
    FixPath Path,
    TimeSpan SyncPeriod,
    IReadOnlyList<ServicePort>? ServicePorts = null)
{
    public static readonly TimeSpan DefaultSyncPeriod = TimeSpan.FromSeconds(30);
}

/// <summary>A Service port as IPVS sees it: protocol ("tcp", "udp" or "sctp") and port number.</summary>
public sealed record ServicePort
{
    public ServicePort(string protocol, int port)
    {
        if (protocol is not ("tcp" or "udp" or "sctp")) throw new FormatException($"'{protocol}' is not a Service protocol: expected tcp, udp or sctp");
        if (port is < 1 or > 65535) throw new FormatException($"{port} is not a port: expected 1..65535");
        Protocol = protocol;
        Port = port;
    }

    public string Protocol { get; }
    public int Port { get; }

    /// <summary>ipvsadm's option for this protocol.</summary>
    public string IpvsadmFlag => Protocol switch { "udp" => "-u", "sctp" => "--sctp-service", _ => "-t" };
}
