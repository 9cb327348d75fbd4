using System.Net;
using Recovery.Access;
using Recovery.Addresses;

namespace Recovery.Commands;

/// <summary>kube-proxy's dummy interface in IPVS mode, where it binds every Service address (a /32 or /128).</summary>
internal static class IpvsInterface
{
    public const string Name = "kube-ipvs0";

}

/// <summary>`ip addr del A/32 dev kube-ipvs0`: the unbind.</summary>
internal sealed record IpvsAddressDel(IPAddress Address) : NodeCommand
{
    public IPAddress Address { get; } = CommandWords.Address(Address);

    public override ShellCommand ToShell() => ShellCommand.Of("ip", "addr", "del", HostPrefix.Of(Address), "dev", IpvsInterface.Name);
}

/// <summary>`ip addr add A/32 dev kube-ipvs0`: what puts an unbound address back (undo).</summary>
internal sealed record IpvsAddressAdd(IPAddress Address) : NodeCommand
{
    public IPAddress Address { get; } = CommandWords.Address(Address);

    public override ShellCommand ToShell() => ShellCommand.Of("ip", "addr", "add", HostPrefix.Of(Address), "dev", IpvsInterface.Name);
}

/// <summary>`ip -o addr show dev kube-ipvs0 to A/32`: prints the address while it is bound (nothing without kube-ipvs0).</summary>
internal sealed record IpvsAddressShow(IPAddress Address) : NodeCommand
{
    public IPAddress Address { get; } = CommandWords.Address(Address);

    public override ShellCommand ToShell() => ShellCommand.Of("ip", "-o", "addr", "show", "dev", IpvsInterface.Name, "to", HostPrefix.Of(Address));
}

/// <summary>`ip route get A`: says `local ` while the node routes the address to itself.</summary>
internal sealed record RouteGet(IPAddress Address) : NodeCommand
{
    public IPAddress Address { get; } = CommandWords.Address(Address);

    public override ShellCommand ToShell() => ShellCommand.Of("ip", "route", "get", Address.ToString());
}

/// <summary>`ip route show table local A dev D`: the owner's own local route for its address on its real interface.</summary>
internal sealed record LocalRouteShow(IPAddress Address, string Device) : NodeCommand
{
    public IPAddress Address { get; } = CommandWords.Address(Address);
    public string Device { get; } = CommandWords.Device(Device);

    public override ShellCommand ToShell() => ShellCommand.Of("ip", "route", "show", "table", "local", Address.ToString(), "dev", Device);
}

/// <summary>Puts the owner's local route back as the kernel writes it, should deleting the kube-ipvs0 copy have taken it.</summary>
internal sealed record LocalRouteAdd(IPAddress Address, string Device) : NodeCommand
{
    public IPAddress Address { get; } = CommandWords.Address(Address);
    public string Device { get; } = CommandWords.Device(Device);

    public override ShellCommand ToShell() => ShellCommand.Of(
        "ip", "route", "add", "local", Address.ToString(), "dev", Device, "table", "local", "proto", "kernel", "scope", "host", "src", Address.ToString());
}

/// <summary>`ip addr show`: every address of the node, saved before anything changes.</summary>
internal sealed record AddressList : NodeCommand
{
    public override ShellCommand ToShell() => ShellCommand.Of("ip", "addr", "show");
}

/// <summary>`ip route show table local`: the node's local routes, saved before anything changes.</summary>
internal sealed record LocalRouteList : NodeCommand
{
    public override ShellCommand ToShell() => ShellCommand.Of("ip", "route", "show", "table", "local");
}
