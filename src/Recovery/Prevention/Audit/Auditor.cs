using System.Net;
using Recovery.Addresses;
using Recovery.Kubernetes;

namespace Recovery.Prevention.Audit;

/// <summary>The decisions of `kube-recover audit` (pure): which addresses are guarded, and which fields claim them.</summary>
internal static class Auditor
{
    public static AuditReport Decide(ClusterReading reading, IEnumerable<IPAddress> protect)
    {
        var guarded = Guarded(reading, protect);
        var owners = guarded.GroupBy(g => g.Address).ToDictionary(g => g.Key, g => string.Join(", ", g.Select(x => x.Owner).Distinct()));
        var set = owners.Keys.ToHashSet();
        var exposure = ExposureOf(reading.ProxyMode.Mode);
        var findings = new List<AuditFinding>();
        foreach (var service in reading.Services)
        {
            foreach (var claim in ServiceClaimRule.ClaimsOn(service.Fields, set))
                findings.Add(new AuditFinding($"Service {service.Service}", EntryPath(claim), claim.Text, claim.Address, owners[claim.Address], exposure));
        }
        foreach (var entry in reading.Pools)
        {
            foreach (var address in entry.Range.Within(set))
                findings.Add(new AuditFinding(entry.Object, entry.Field, entry.Range.Text, address, owners[address], exposure));
        }
        return new AuditReport(reading.ProxyMode, guarded, findings, reading.Sources);
    }

    public static Exposure ExposureOf(string? mode) => mode switch
    {
        null => Exposure.Unknown,
        "ipvs" => Exposure.Active,
        _ => Exposure.Latent,
    };

    /// <summary>The claimed entry's own path, so the operator finds it in `kubectl get -o yaml`.</summary>
    private static string EntryPath(AddressClaim claim) => claim.Field switch
    {
        ClaimField.ExternalIPs => $"spec.externalIPs[{claim.Index}]",
        ClaimField.LoadBalancerIngress => $"status.loadBalancer.ingress[{claim.Index}].ip",
        ClaimField.ClusterIP => $"spec.clusterIPs[{claim.Index}]",
        _ => claim.FieldPath,
    };

    private static List<GuardedAddress> Guarded(ClusterReading reading, IEnumerable<IPAddress> protect)
    {
        var guarded = reading.Nodes.Select(n => new GuardedAddress(n.Address, $"{n.Node} {n.Type}")).ToList();
        guarded.AddRange(reading.ApiEndpoints.Select(a => new GuardedAddress(a, "API server (Endpoints default/kubernetes)")));
        if (reading.KubeconfigServer is { } server && Uri.TryCreate(server, UriKind.Absolute, out var uri)
            && KubernetesAddress.TryParse(uri.Host.Trim('[', ']'), out var api))
        {
            guarded.Add(new GuardedAddress(api, "API server (kubeconfig)"));
        }
        guarded.AddRange(protect.Select(a => new GuardedAddress(KubernetesAddress.Normalise(a), "--protect")));
        return guarded;
    }
}
