using System.Text;

namespace Recovery.Prevention.Audit;

/// <summary>`audit` for a person: the mode, what is guarded, each finding with its exposure, and what was (not) read.</summary>
internal static class AuditText
{
    public static string ExposureName(Exposure e) => e switch
    {
        Exposure.Active => "active",
        Exposure.Latent => "latent",
        _ => "unknown",
    };

    public static string Render(AuditReport report)
    {
        var s = new StringBuilder();
        s.AppendLine($"kube-proxy mode: {report.ProxyMode.Mode ?? "unknown"} ({report.ProxyMode.Source})");
        s.AppendLine($"guarded addresses: {(report.Guarded.Count == 0 ? "none read" : string.Join(", ", report.Guarded.GroupBy(g => g.Address).Select(g => $"{g.Key} ({string.Join(", ", g.Select(x => x.Owner).Distinct())})")))}");
        s.AppendLine();
        if (report.Found)
        {
            s.AppendLine($"FOUND: {report.Findings.Count} claim(s) of guarded addresses");
            foreach (var f in report.Findings)
            {
                s.AppendLine($"  {ExposureName(f.Exposure),-8} {f.Object}  {f.Field} = {f.Value}  claims {f.Address} ({f.Owner})");
            }
            s.AppendLine(Meaning(report.Findings[0].Exposure));
            s.AppendLine("Fix: take these addresses out of the Services and pools (kube-recover guard prints a policy that refuses them).");
        }
        else if (report.Incomplete)
        {
            s.AppendLine("UNKNOWN: nothing found in what was read, but not everything could be read (below): this is not a clean bill.");
        }
        else
        {
            s.AppendLine("clean: no Service or pool claims a node or protected address");
        }
        s.AppendLine();
        s.AppendLine("sources:");
        foreach (var source in report.Sources)
        {
            s.AppendLine($"  {source.Name}: {source.StateText}{(source.Detail.Length > 0 ? $" ({source.Detail})" : "")}");
        }
        return s.ToString();
    }

    private static string Meaning(Exposure e) => e switch
    {
        Exposure.Active => "active: kube-proxy runs in IPVS mode and binds these addresses to kube-ipvs0 on every node, now or at its next sync: a lockout.",
        Exposure.Latent => "latent: kube-proxy's mode binds no address today; the day it switches to IPVS these claims lock the cluster out.",
        _ => "unknown: kube-proxy's mode could not be read; in IPVS mode these claims lock the cluster out.",
    };
}
