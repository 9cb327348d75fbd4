namespace Recovery.Kubernetes;

/// <summary>A Service port as IPVS sees it: protocol ("tcp", "udp" or "sctp") and port number.</summary>
internal sealed record ServicePort
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

    /// <summary>A Service's spec.ports[] entry: protocol as the API writes it (TCP, UDP, SCTP; empty means TCP). Null for anything else.</summary>
    public static ServicePort? FromSpec(string? protocol, int port)
    {
        var p = string.IsNullOrEmpty(protocol) ? "tcp" : protocol.ToLowerInvariant();
        return p is "tcp" or "udp" or "sctp" && port is >= 1 and <= 65535 ? new ServicePort(p, port) : null;
    }
}
