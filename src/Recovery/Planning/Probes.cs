using System.Net;
using System.Net.Sockets;
using Recovery.Access;
using Recovery.Facts;

namespace Recovery.Planning;

/// <summary>The read-only commands the plan uses to tell whether something holds on a node.</summary>
internal static class Probes
{
    /// <summary>A /32 (or /128) as `ip` writes it.</summary>
    public static string HostPrefix(IPAddress address) =>
        $"{address}/{(address.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32)}";

    /// <summary>Holds when the address is not on kube-ipvs0 (also when kube-ipvs0 does not exist).</summary>
    public static Probe NotOnIpvsInterface(IPAddress address) =>
        Probe.PrintsNothing(ShellCommand.Of("ip", "-o", "addr", "show", "dev", NodeFacts.IpvsInterface, "to", HostPrefix(address)));

    /// <summary>Holds when the kernel would send traffic for the address off this node.</summary>
    public static Probe RouteNotLocal(IPAddress address) =>
        Probe.Lacks(ShellCommand.Of("ip", "route", "get", address.ToString()), "local ");

    /// <summary>Holds when the owner's own local route for its address is in the local table on its real interface.</summary>
    public static Probe OwnLocalRoute(IPAddress address, string device) =>
        Probe.Prints(ShellCommand.Of("ip", "route", "show", "table", "local", address.ToString(), "dev", device), $"local {address} ");

    /// <summary>Holds when a TCP connection to address:port is accepted (bash's /dev/tcp, so no nc or curl is needed).</summary>
    public static Probe TcpAnswers(IPAddress address, int port) =>
        Probe.Succeeds(ShellCommand.Of("timeout", "5", "bash", "-c", TcpConnectScript(address, port)));

    public static string TcpConnectScript(IPAddress address, int port) => $"exec 3<>/dev/tcp/{address}/{port}";

    /// <summary>Holds while kube-proxy serves its mode on the metrics port (it does from start until it stops).</summary>
    public static Probe ProxyAnswers() => Probe.Succeeds(ProxyModeCommand());

    public static Probe ProxySilent() => Probe.Fails(ProxyModeCommand());

    public static Probe UnitActive(string unit) => Probe.Succeeds(ShellCommand.Of("systemctl", "is-active", "--quiet", unit));

    public static Probe UnitInactive(string unit) => Probe.Fails(ShellCommand.Of("systemctl", "is-active", "--quiet", unit));

    public static Probe ToolPresent(string tool) => Probe.Succeeds(ShellCommand.Of("command", "-v", tool));

    private static ShellCommand ProxyModeCommand() => Commands.KubeProxyModeQuery.Shell;
}
