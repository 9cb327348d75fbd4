using System.Net;
using System.Text;
using Recovery.Facts;
using Recovery.Kubernetes;
using Recovery.Kubernetes.Storage;

namespace Recovery.Tests.Kubernetes;

/// <summary>Who puts a claim back, from the Service's metadata (<see cref="ClaimOwner.Of"/>), on the kubectl and etcd paths.</summary>
public sealed class ClaimOwnerTests
{
    private static ObjectMeta Meta(Dictionary<string, string>? labels = null, Dictionary<string, string>? annotations = null, params OwnerReference[] owners) =>
        new("seed", "default", "uid", "", labels ?? [], owners) { Annotations = annotations ?? [] };

    [Fact]
    public void Argo_cd_is_named_by_its_instance_label_or_its_tracking_annotation()
    {
        var byLabel = Assert.Single(ClaimOwner.Of(Meta(new() { ["argocd.argoproj.io/instance"] = "seed-app" }), "ClusterIP", "", false));
        Assert.Equal("Argo CD application seed-app", byLabel.Name);
        Assert.Contains("argocd app set seed-app --sync-policy none", byLabel.Pause, StringComparison.Ordinal);

        var byAnnotation = Assert.Single(ClaimOwner.Of(Meta(annotations: new() { ["argocd.argoproj.io/tracking-id"] = "seed-app:/Service:default/seed" }), "ClusterIP", "", false));
        Assert.Equal("Argo CD application seed-app", byAnnotation.Name);
    }

    [Fact]
    public void Flux_helm_release_is_the_owner_not_the_helm_annotations_it_writes()
    {
        var owners = ClaimOwner.Of(Meta(
            new() { ["helm.toolkit.fluxcd.io/name"] = "web", ["helm.toolkit.fluxcd.io/namespace"] = "apps", ["app.kubernetes.io/managed-by"] = "Helm" },
            new() { ["meta.helm.sh/release-name"] = "web" }), "ClusterIP", "", false);

        var flux = Assert.Single(owners);
        Assert.Equal("Flux helmrelease web", flux.Name);
        Assert.Contains("flux suspend helmrelease web -n apps", flux.Pause, StringComparison.Ordinal);
    }

    [Fact]
    public void Helm_kustomization_managed_by_and_owner_references_are_each_named()
    {
        Assert.Equal("Helm release web", Assert.Single(ClaimOwner.Of(Meta(annotations: new() { ["meta.helm.sh/release-name"] = "web", ["meta.helm.sh/release-namespace"] = "apps" }), "ClusterIP", "", false)).Name);
        Assert.Equal("Flux kustomization infra", Assert.Single(ClaimOwner.Of(Meta(new() { ["kustomize.toolkit.fluxcd.io/name"] = "infra" }), "ClusterIP", "", false)).Name);
        Assert.Equal("my-operator", Assert.Single(ClaimOwner.Of(Meta(new() { ["app.kubernetes.io/managed-by"] = "my-operator" }), "ClusterIP", "", false)).Name);
        var owned = Assert.Single(ClaimOwner.Of(Meta(owners: new OwnerReference("example.com/v1", "Gateway", "gw", "u", true, true)), "ClusterIP", "", false));
        Assert.Equal("Gateway gw", owned.Name);
    }

    [Fact]
    public void A_load_balancer_controller_owns_only_an_ingress_claim()
    {
        var metallb = Meta(annotations: new() { ["metallb.universe.tf/address-pool"] = "nodes" });
        Assert.Empty(ClaimOwner.Of(metallb, "LoadBalancer", "", claimsIngress: false));
        Assert.Equal("MetalLB", Assert.Single(ClaimOwner.Of(metallb, "LoadBalancer", "", claimsIngress: true)).Name);
        Assert.Equal("MetalLB", Assert.Single(ClaimOwner.Of(Meta(), "LoadBalancer", "metallb.io/metallb", true)).Name);
        Assert.Equal("k3s ServiceLB", Assert.Single(ClaimOwner.Of(Meta(new() { ["svccontroller.k3s.cattle.io/lbpool"] = "a" }), "LoadBalancer", "", true)).Name);
        Assert.StartsWith("the cluster's default LoadBalancer controller", Assert.Single(ClaimOwner.Of(Meta(), "LoadBalancer", "", true)).Name, StringComparison.Ordinal);
    }

    [Fact]
    public void Metadata_that_names_nobody_gives_no_owner()
    {
        Assert.Empty(ClaimOwner.Of(Meta(new() { ["app"] = "zgz" }), "ClusterIP", "", false));
    }

    [Fact]
    public void Kubectl_json_names_the_owner_of_a_claim()
    {
        const string json = """
            {"kind":"List","items":[{"kind":"Service","metadata":{"name":"seed","namespace":"default",
              "labels":{"argocd.argoproj.io/instance":"seed-app"},"annotations":{"metallb.universe.tf/address-pool":"nodes"}},
              "spec":{"type":"LoadBalancer","clusterIP":"10.96.0.9"},"status":{"loadBalancer":{"ingress":[{"ip":"10.77.0.12"}]}}}]}
            """;
        var claim = Assert.Single(KubectlServiceClaims.Parse(json, "kubectl"));
        Assert.Equal(["Argo CD application seed-app", "MetalLB"], claim.Owners.Select(o => o.Name));
    }

    [Fact]
    public void Stored_json_and_protobuf_services_carry_annotations_and_the_load_balancer_class()
    {
        const string json = """
            {"kind":"Service","apiVersion":"v1","metadata":{"name":"seed","namespace":"default","annotations":{"meta.helm.sh/release-name":"web"}},
             "spec":{"type":"LoadBalancer","loadBalancerClass":"example.com/lb","clusterIP":"10.96.0.9"}}
            """;
        var stored = StorageCodec.ReadService(Encoding.UTF8.GetBytes(json));
        Assert.Equal("web", stored.Metadata.Annotations["meta.helm.sh/release-name"]);
        Assert.Equal("example.com/lb", stored.LoadBalancerClass);

        var proto = new Proto()
            .Msg(1, K8sObjects.Meta("default", "seed", "u").Msg(12, new Proto().Str(1, "metallb.io/ip-allocated-from-pool").Str(2, "nodes")))
            .Msg(2, new Proto().Str(3, "10.96.0.9").Str(4, "LoadBalancer").Str(21, "example.com/lb"));
        var service = StorageCodec.ReadService(Proto.Envelope("v1", "Service", proto.Bytes()));
        Assert.Equal("nodes", service.Metadata.Annotations["metallb.io/ip-allocated-from-pool"]);
        Assert.Equal("example.com/lb", service.LoadBalancerClass);
        var claim = ServiceClaims.Of(new ServiceRef("default", "seed"), service.AddressFields with { IngressIPs = ["10.77.0.12"] }, "etcd", [IPAddress.Parse("10.77.0.12")],
            (service.Metadata, service.Type, service.LoadBalancerClass));
        Assert.Equal("MetalLB", Assert.Single(claim!.Owners).Name);
    }

    [Fact]
    public void The_plan_warns_about_each_owner_of_a_claim_on_the_recovered_addresses()
    {
        var address = IPAddress.Parse("10.77.0.11");
        var owner = new ClaimOwner("Argo CD application seed-app", "label argocd.argoproj.io/instance=seed-app", "disable its auto-sync");
        var claim = new ServiceClaim(new ServiceRef("default", "seed"), [new AddressClaim(ClaimField.ExternalIPs, address, "10.77.0.11")], "kubectl") { Owners = [owner] };

        var warning = Assert.Single(Recovery.Planning.ClaimOwnerWarnings.For([claim], [address]));
        Assert.Contains("Argo CD application seed-app", warning, StringComparison.Ordinal);
        Assert.Contains("will put the claim of default/seed back: pause/change it before or right after the fix", warning, StringComparison.Ordinal);
        Assert.Empty(Recovery.Planning.ClaimOwnerWarnings.For([claim], [IPAddress.Parse("10.77.0.12")]));
    }
}
