using System.Net;

namespace Lab.StandIns.Proxy;

/// <summary>
/// The addresses Services claim, by kind: a ClusterIP is bound on every node, even one that has it on another
/// interface; an externalIP or a LoadBalancer ingress IP is the one newer versions skip there (pkg/proxy/ipvs/proxier.go,
/// syncProxyRules: `shouldBind := !nodeAddressSet.Has(...)` on the externalIP and ingress paths only).
/// </summary>
internal sealed record ServiceClaims(IReadOnlySet<IPAddress> ClusterIps, IReadOnlySet<IPAddress> External)
{
    public static ServiceClaims None { get; } = new(new HashSet<IPAddress>(), new HashSet<IPAddress>());

    public IReadOnlySet<IPAddress> All => ClusterIps.Union(External).ToHashSet();

    public bool SameAs(ServiceClaims other) => ClusterIps.SetEquals(other.ClusterIps) && External.SetEquals(other.External);
}
