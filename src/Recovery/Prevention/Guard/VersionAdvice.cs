namespace Recovery.Prevention.Guard;

/// <summary>
/// Which guard fits the cluster's version: the ValidatingAdmissionPolicy from 1.30 (admissionregistration.k8s.io/v1
/// GA), else the DenyServiceExternalIPs admission plugin (1.21+) and kubernetes-sigs/externalip-webhook, whose
/// `--allowed-external-ip-cidrs` flag (main.go) takes the CIDRs externalIPs may use: an allow-list, for spec.externalIPs only.
/// </summary>
internal static class VersionAdvice
{
    public static IEnumerable<string> Lines((int Major, int Minor)? version, string versionSource, IReadOnlyList<GuardTarget> targets)
    {
        var v = version is { } x ? $"v{x.Major}.{x.Minor}" : "unknown";
        yield return "";
        if (version is { Major: 1, Minor: >= 30 } or { Major: > 1 })
        {
            yield return $"Cluster version {v} ({versionSource}): the ValidatingAdmissionPolicy below fits (GA from 1.30); apply it:";
            yield return "  kube-recover guard | kubectl apply -f -";
            yield break;
        }
        yield return version is null
            ? $"Cluster version unknown ({versionSource}): the policy below needs Kubernetes 1.30+; for older clusters:"
            : $"Cluster version {v} ({versionSource}): the policy below needs 1.30+ and does NOT fit this cluster; instead:";
        if (version is null or { Major: 1, Minor: >= 21 })
        {
            yield return "- refuse every externalIP with the DenyServiceExternalIPs admission plugin (Kubernetes 1.21+), in";
            yield return "  kube-apiserver's flags on every control-plane node (keep the plugins already listed there):";
            yield return "    --enable-admission-plugins=NodeRestriction,DenyServiceExternalIPs";
            yield return "  It covers spec.externalIPs only, not load-balancer addresses (keep node addresses out of LB pools).";
        }
        yield return version is null or { Major: 1, Minor: >= 21 }
            ? "- or, to keep using externalIPs, allow them only from ranges you route to the nodes, with kubernetes-sigs/externalip-webhook:"
            : "- allow externalIPs only from ranges you route to the nodes, with kubernetes-sigs/externalip-webhook:";
        yield return "    --allowed-external-ip-cidrs=CIDR[,CIDR]   (an allow-list; it must contain none of:";
        yield return $"     {string.Join(", ", targets.Select(t => t.Text))})";
        yield return "- and keep node addresses out of load-balancer pools: kube-recover audit lists the pools that contain them.";
    }
}
