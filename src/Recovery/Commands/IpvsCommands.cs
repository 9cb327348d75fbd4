using System.Net;
using System.Net.Sockets;
using Recovery.Access;

namespace Recovery.Commands;

/// <summary>An entry of a kube-proxy ipset: the address alone (hash:ip) or with a Service port (hash:ip,port, `10.0.0.211,tcp:80`).</summary>
internal sealed record IpsetEntry(IPAddress Address, string? Protocol = null, int? Port = null)
{
    public IPAddress Address { get; } = CommandWords.Address(Address);
    public string? Protocol { get; } = Protocol is null ? null : CommandWords.Protocol(Protocol);
    public int? Port { get; } = Port is { } p ? CommandWords.Port(p) : null;

    /// <summary>As ipset takes and lists it (an IPv6 address without brackets).</summary>
    public override string ToString() => Protocol is null || Port is null ? Address.ToString() : $"{Address},{Protocol}:{Port}";
}

/// <summary>`ipset del SET ENTRY`.</summary>
internal sealed record IpsetDel(string Set, IpsetEntry Entry) : NodeCommand
{
    public string Set { get; } = CommandWords.Ipset(Set);

    public override ShellCommand ToShell() => ShellCommand.Of("ipset", "del", Set, Entry.ToString());
}

/// <summary>`ipset add SET ENTRY` (undo).</summary>
internal sealed record IpsetAdd(string Set, IpsetEntry Entry) : NodeCommand
{
    public string Set { get; } = CommandWords.Ipset(Set);

    public override ShellCommand ToShell() => ShellCommand.Of("ipset", "add", Set, Entry.ToString());
}

/// <summary>`ipset test SET ENTRY`: exit 0 while the entry is in the set.</summary>
internal sealed record IpsetTest(string Set, IpsetEntry Entry) : NodeCommand
{
    public string Set { get; } = CommandWords.Ipset(Set);

    public override ShellCommand ToShell() => ShellCommand.Of("ipset", "test", Set, Entry.ToString());
}

/// <summary>`ipset list -n SET`: exit 0 when the set exists.</summary>
internal sealed record IpsetList(string Set) : NodeCommand
{
    public string Set { get; } = CommandWords.Ipset(Set);

    public override ShellCommand ToShell() => ShellCommand.Of("ipset", "list", "-n", Set);
}

/// <summary>An IPVS virtual server as ipvsadm names it: protocol option and `10.0.0.211:80` or `[fd00::1]:80`.</summary>
internal sealed record IpvsService(string Protocol, IPAddress Address, int Port)
{
    public string Protocol { get; } = CommandWords.Protocol(Protocol);
    public IPAddress Address { get; } = CommandWords.Address(Address);
    public int Port { get; } = CommandWords.Port(Port);

    /// <summary>ipvsadm's option for the protocol.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Option => Protocol switch { "udp" => "-u", "sctp" => "--sctp-service", _ => "-t" };

    public override string ToString() => Address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{Address}]:{Port}" : $"{Address}:{Port}";
}

/// <summary>`ipvsadm -D -t A:PORT`: removes the virtual server.</summary>
internal sealed record IpvsServiceDel(IpvsService Service) : NodeCommand
{
    public override ShellCommand ToShell() => ShellCommand.Of("ipvsadm", "-D", Service.Option, Service.ToString());
}

/// <summary>`ipvsadm -L -n -t A:PORT`: exit 0 while the virtual server exists.</summary>
internal sealed record IpvsServiceList(IpvsService Service) : NodeCommand
{
    public override ShellCommand ToShell() => ShellCommand.Of("ipvsadm", "-L", "-n", Service.Option, Service.ToString());
}

/// <summary>`command -v TOOL`: exit 0 when the node has the tool (ipset, ipvsadm); a guard for steps that need it.</summary>
internal sealed record ToolPresent(string Tool) : NodeCommand
{
    public string Tool { get; } = Tool is "ipset" or "ipvsadm" ? Tool : throw new ArgumentException($"'{Tool}' is not a tool kube-recover checks for: expected ipset or ipvsadm");

    public override ShellCommand ToShell() => ShellCommand.Of("command", "-v", Tool);
}
