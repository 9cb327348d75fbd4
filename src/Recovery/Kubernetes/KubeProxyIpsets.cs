using System.Net;
using System.Net.Sockets;

namespace Recovery.Kubernetes;

/// <summary>
/// The ipsets kube-proxy's IPVS mode keeps a claimed address in, by the names upstream gives them: kubernetes/kubernetes
/// pkg/proxy/ipvs/ipset.go (the set constants, and NewIPSet, which renames "KUBE-" to "KUBE-6-" for IPv6 and cuts the
/// name at ipset's 31 characters) and pkg/proxy/ipvs/proxier.go (kubeIPVSSet "KUBE-IPVS-IPS": the addresses bound to
/// kube-ipvs0). Only the sets whose entries are the address alone (hash:ip) or the address and a Service port
/// (hash:ip,port, entry "IP,tcp:PORT") are listed: the source-range sets also carry a client address, which a recovery
/// cannot know; kube-proxy's first sync after the fix drops those.
/// </summary>
internal static class KubeProxyIpsets
{
    /// <summary>hash:ip: every address on kube-ipvs0 (the KUBE-IPVS-FILTER chain rejects new connections to it).</summary>
    public static string BoundAddresses(IPAddress address) => Named("KUBE-IPVS-IPS", address);

    /// <summary>hash:ip,port: externalIPs (KUBE-EXTERNAL-IP, -LOCAL) and LoadBalancer ingress (KUBE-LOAD-BALANCER, -LOCAL, -FW).</summary>
    public static IReadOnlyList<string> AddressAndPort(IPAddress address) =>
        [.. new[] { "KUBE-EXTERNAL-IP", "KUBE-EXTERNAL-IP-LOCAL", "KUBE-LOAD-BALANCER", "KUBE-LOAD-BALANCER-LOCAL", "KUBE-LOAD-BALANCER-FW" }
            .Select(name => Named(name, address))];

    private static string Named(string name, IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return name;
        var v6 = "KUBE-6-" + name["KUBE-".Length..];
        return v6.Length > 31 ? v6[..31] : v6;
    }
}
