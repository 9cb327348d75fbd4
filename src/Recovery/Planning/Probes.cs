using System.Net;
using Recovery.Commands;

namespace Recovery.Planning;

/// <summary>The read-only checks the plan uses to tell whether something holds on a node.</summary>
internal static class Probes
{
    /// <summary>Holds when the address is not on kube-ipvs0 (also when kube-ipvs0 does not exist).</summary>
    public static Probe NotOnIpvsInterface(IPAddress address) => Probe.PrintsNothing(new IpvsAddressShow(address));

    /// <summary>Holds when the kernel would send traffic for the address off this node.</summary>
    public static Probe RouteNotLocal(IPAddress address) => Probe.Lacks(new RouteGet(address), "local ");

    /// <summary>Holds when the owner's own local route for its address is in the local table on its real interface.</summary>
    public static Probe OwnLocalRoute(IPAddress address, string device) => Probe.Prints(new LocalRouteShow(address, device), $"local {address} ");

    /// <summary>Holds when a TCP connection to address:port is accepted.</summary>
    public static Probe TcpAnswers(IPAddress address, int port) => Probe.Succeeds(new TcpConnect(address, port));

    /// <summary>Holds while kube-proxy serves its mode on the metrics port (it does from start until it stops).</summary>
    public static Probe ProxyAnswers() => Probe.Succeeds(new ProxyModeQuery());

    public static Probe ProxySilent() => Probe.Fails(new ProxyModeQuery());

    /// <summary>Holds once kube-proxy has synced since it started (its own gauge), or has run FALLBACK where the gauge cannot be read.</summary>
    public static Probe ProxySynced(TimeSpan fallback) => Probe.Succeeds(new KubeProxySynced((int)Math.Ceiling(fallback.TotalSeconds)));

    public static Probe UnitActive(string unit) => Probe.Succeeds(new UnitActive(unit));

    public static Probe UnitInactive(string unit) => Probe.Fails(new UnitActive(unit));

    public static Probe ToolPresent(string tool) => Probe.Succeeds(new ToolPresent(tool));

    /// <summary>Holds when an API answered COMMAND's list and no Service in it claims any of the addresses.</summary>
}
