namespace Recovery.Kubernetes;

/// <summary>
/// The Service fields through which an address ends up on kube-ipvs0. kube-proxy in IPVS mode binds externalIPs,
/// LB ingress IPs and ClusterIPs (`pkg/proxy/ipvs/proxier.go`); spec.loadBalancerIP is the address asked of the
/// load-balancer controller, which copies it into the ingress: a claim waiting to happen.
/// </summary>
internal enum ClaimField
{
    ExternalIPs,
    LoadBalancerIngress,
    LoadBalancerIP,

    /// <summary>spec.clusterIP / spec.clusterIPs: its own finding, since the ClusterIP cannot be stripped, only the Service deleted.</summary>
    ClusterIP,
}
