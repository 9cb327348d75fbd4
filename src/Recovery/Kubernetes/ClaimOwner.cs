using Recovery.Kubernetes.Storage;

namespace Recovery.Kubernetes;

/// <summary>
/// Who will put a Service's claim back after the fix (re-create the deleted Service, re-apply its spec, or re-write
/// status.loadBalancer.ingress), read from the Service's own metadata; <see cref="Pause"/> says what to pause or change, and how.
/// </summary>
/// <param name="Name">e.g. "Argo CD application seed", "MetalLB".</param>
/// <param name="Evidence">the metadata it was read from, e.g. "label argocd.argoproj.io/instance=seed".</param>
internal sealed record ClaimOwner(string Name, string Evidence, string Pause)
{
    public override string ToString() => $"{Name} ({Evidence})";

    /// <summary>
    /// The owners the metadata names, GitOps and package managers first, then ownerReferences, then the LoadBalancer
    /// controller that writes the ingress. Markers followed (each tool's own documented keys):
    /// Argo CD tracking label argocd.argoproj.io/instance and annotation argocd.argoproj.io/tracking-id
    /// ("app:group/kind:namespace/name", argo-cd docs user-guide/resource_tracking.md); Flux labels
    /// kustomize.toolkit.fluxcd.io/name|namespace and helm.toolkit.fluxcd.io/name|namespace (fluxcd kustomize-controller,
    /// helm-controller); Helm's annotations meta.helm.sh/release-name|release-namespace and label
    /// app.kubernetes.io/managed-by=Helm (helm pkg/action/validate.go); MetalLB's annotation prefixes
    /// metallb.universe.tf/ and metallb.io/ (metallb docs usage); k3s ServiceLB's svccontroller.k3s.cattle.io/ keys
    /// (k3s pkg/cloudprovider/servicelb.go: it serves every type=LoadBalancer Service without a loadBalancerClass).
    /// </summary>
    /// <param name="claimsIngress">whether the Service claims through status.loadBalancer.ingress: only then is a LoadBalancer controller an owner.</param>
    public static IReadOnlyList<ClaimOwner> Of(ObjectMeta meta, string type, string loadBalancerClass, bool claimsIngress)
    {
        var owners = new List<ClaimOwner>();
        var labels = meta.Labels;
        var annotations = meta.Annotations;
        if (Value(labels, "argocd.argoproj.io/instance") is { } app) owners.Add(ArgoCd(app, $"label argocd.argoproj.io/instance={app}"));
        else if (Value(annotations, "argocd.argoproj.io/tracking-id") is { } id) owners.Add(ArgoCd(id.Split(':')[0], $"annotation argocd.argoproj.io/tracking-id={id}"));

        var fluxHelm = Flux(labels, "helm", "helmrelease");
        if (Flux(labels, "kustomize", "kustomization") is { } kustomization) owners.Add(kustomization);
        if (fluxHelm is not null) owners.Add(fluxHelm);

        var managedBy = Value(labels, "app.kubernetes.io/managed-by");
        var release = Value(annotations, "meta.helm.sh/release-name");
        // Flux's helm-controller is the Helm client there: it is named already, and it is what re-applies.
        if (fluxHelm is null && (release is not null || string.Equals(managedBy, "Helm", StringComparison.Ordinal)))
        {
            var ns = Value(annotations, "meta.helm.sh/release-namespace") ?? meta.Namespace;
            var evidence = release is null ? "label app.kubernetes.io/managed-by=Helm" : $"annotation meta.helm.sh/release-name={release}";
            owners.Add(new($"Helm release {release ?? "(unnamed)"}", evidence,
                $"take the address out of the chart's values before the next `helm upgrade {release ?? "<release>"} -n {ns}` or rollback, which writes it back"));
        }
        else if (managedBy is not null && !string.Equals(managedBy, "Helm", StringComparison.Ordinal) && owners.Count == 0)
        {
            owners.Add(new(managedBy, $"label app.kubernetes.io/managed-by={managedBy}", $"pause {managedBy} or change the Service in its source"));
        }

        // Argo CD's default tracking label; Helm charts set it as well, so it names an owner only when nothing else does.
        if (owners.Count == 0 && Value(labels, "app.kubernetes.io/instance") is { } instance)
        {
            owners.Add(new($"the tool that applied instance {instance} (Argo CD tracks by this label by default)", $"label app.kubernetes.io/instance={instance}",
                $"if Argo CD: `argocd app set {instance} --sync-policy none`, then change the Service in Git"));
        }

        owners.AddRange(meta.OwnerReferences.Select(o => new ClaimOwner($"{o.Kind} {o.Name}", $"ownerReference {o.ApiVersion} {o.Kind}/{o.Name}",
            $"pause the controller of {o.Kind} {o.Name} (or change that {o.Kind}): it re-creates what it owns")));

        if (claimsIngress && LoadBalancerController(meta, type, loadBalancerClass) is { } lb) owners.Add(lb);
        return owners;
    }

    private static ClaimOwner ArgoCd(string app, string evidence) =>
        new($"Argo CD application {app}", evidence,
            $"disable its auto-sync (`argocd app set {app} --sync-policy none`) and change the Service in Git; with self-heal on, Argo CD re-creates it within seconds");

    private static ClaimOwner? Flux(IReadOnlyDictionary<string, string> labels, string controller, string kind) =>
        Value(labels, $"{controller}.toolkit.fluxcd.io/name") is { } name
            ? new($"Flux {kind} {name}", $"label {controller}.toolkit.fluxcd.io/name={name}",
                $"`flux suspend {kind} {name} -n {Value(labels, $"{controller}.toolkit.fluxcd.io/namespace") ?? "flux-system"}`, change the source, then resume")
            : null;

    private static ClaimOwner? LoadBalancerController(ObjectMeta meta, string type, string loadBalancerClass)
    {
        var metallb = meta.Annotations.Keys.FirstOrDefault(k => k.StartsWith("metallb.universe.tf/", StringComparison.Ordinal) || k.StartsWith("metallb.io/", StringComparison.Ordinal));
        if (metallb is not null || loadBalancerClass.Contains("metallb", StringComparison.OrdinalIgnoreCase))
        {
            return new("MetalLB", metallb is null ? $"spec.loadBalancerClass={loadBalancerClass}" : $"annotation {metallb}",
                "take the node address out of its IPAddressPool (`kubectl -n metallb-system edit ipaddresspools`) and out of the Service's metallb loadBalancerIPs annotation; MetalLB assigns it again otherwise");
        }

        var servicelb = meta.Labels.Keys.Concat(meta.Annotations.Keys).FirstOrDefault(k => k.StartsWith("svccontroller.k3s.cattle.io/", StringComparison.Ordinal));
        if (servicelb is not null)
        {
            return new("k3s ServiceLB", $"key {servicelb}", ServiceLbPause);
        }

        if (!string.Equals(type, "LoadBalancer", StringComparison.Ordinal)) return null;
        return loadBalancerClass.Length > 0
            ? new($"the LoadBalancer controller of class {loadBalancerClass}", $"spec.loadBalancerClass={loadBalancerClass}", "take the node address out of that controller's address pool")
            : new("the cluster's default LoadBalancer controller", "type LoadBalancer, no loadBalancerClass",
                "find which one (MetalLB, k3s ServiceLB, a cloud provider) writes status.loadBalancer.ingress and take the node address out of its pool");
    }

    private const string ServiceLbPause =
        "it writes the addresses of the nodes running its svclb pods: change spec.type from LoadBalancer, or label the nodes svccontroller.k3s.cattle.io/enablelb=false, or run k3s with --disable=servicelb";

    private static string? Value(IReadOnlyDictionary<string, string> map, string key) =>
        map.TryGetValue(key, out var v) && v.Length > 0 ? v : null;
}
