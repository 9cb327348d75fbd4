using System.Net;

namespace Recovery.Kubernetes.Audit;

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
        foreach (var field in reading.Services)
        {
            if (AuditAddressRule.Claimed(field.Value, set) is { } address)
                findings.Add(new AuditFinding($"Service {field.Service}", field.Field, field.Value, address, owners[address], exposure));
        }
        foreach (var entry in reading.Pools)
        {
            foreach (var address in AuditAddressRule.InRange(entry.Range, set))
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

    private static List<GuardedAddress> Guarded(ClusterReading reading, IEnumerable<IPAddress> protect)
    {
        var guarded = reading.Nodes.Select(n => new GuardedAddress(n.Address, $"{n.Node} {n.Type}")).ToList();
        guarded.AddRange(reading.ApiEndpoints.Select(a => new GuardedAddress(a, "API server (Endpoints default/kubernetes)")));
        if (reading.KubeconfigServer is { } server && Uri.TryCreate(server, UriKind.Absolute, out var uri)
            && AuditAddressRule.TryParse(uri.Host.Trim('[', ']'), out var api))
        {
            guarded.Add(new GuardedAddress(api, "API server (kubeconfig)"));
        }
        guarded.AddRange(protect.Select(a => new GuardedAddress(a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a, "--protect")));
        return guarded;
    }
}
