namespace Lab.StandIns.Proxy;

/// <summary>
/// Which kube-proxy's kube-ipvs0 rules the stand-in follows (--lab-bind-owner: yes is v1.20, no is the newer rules).
/// </summary>
internal enum BindRules
{
    /// <summary>
    /// v1.20 (pkg/proxy/ipvs/proxier.go, syncProxyRules): syncService binds every ClusterIP, externalIP and ingress IP,
    /// also one another interface has; getLegacyBindAddr + cleanLegacyService unbind an address only when deleting a
    /// virtual server of it that no Service wants any more. An address with no virtual server stays bound.
    /// </summary>
    V120,

    /// <summary>
    /// The newer form (read at upstream master; absent from the v1.23 form): an externalIP or ingress IP another interface
    /// has is not bound (ClusterIPs still are), and every bound address not bound in this sync is removed ("Remove
    /// superfluous addresses from the dummy device"), virtual server or not. Maintainers date the externalIP rule to
    /// kubernetes PR #115019, back-ported to v1.27.3 (kubernetes#112185, kubernetes-sigs/kubespray#10572); that the
    /// superfluous removal came with it is inferred (the PR itself was not read).
    /// </summary>
    Newer,
}
