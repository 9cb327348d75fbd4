using System.Net;
using System.Security.Cryptography;
using System.Text;
using Recovery.Addresses;
using Recovery.Diagnosis;
using Recovery.Facts;
using Recovery.Kubernetes;

namespace Recovery.Planning;

/// <summary>
/// A digest of the facts a plan depends on (who holds which address on kube-ipvs0, how kube-proxy runs, a stop
/// marker, kubelet, kubectl, which nodes answered, and which Service claims a target address through which field). A
/// saved plan is executed only while a fresh fingerprint equals its own: a claim on a target added, moved to another
/// field or dropped since `plan` is drift (the fix was planned for the claims as they were).
/// Not for --resume: a partly executed plan has changed those facts on purpose.
/// </summary>
internal static class FactsFingerprint
{
    /// <param name="claims">the Service claims read with the facts (where they were read from does not count).</param>
    /// <param name="targets">the plan's addresses: only claims on them count, the claims a saved diagnosis also keeps.</param>
    public static string Of(IEnumerable<NodeFacts> facts, IEnumerable<ServiceClaim>? claims = null, IReadOnlyCollection<IPAddress>? targets = null)
    {
        var text = new StringBuilder();
        foreach (var f in facts.OrderBy(f => f.NodeName, StringComparer.Ordinal))
        {
            var p = f.KubeProxy;
            text.Append("node ").Append(f.NodeName).Append('\n')
                .Append(" addresses ").AppendJoin(',', f.Addresses.Select(a => $"{a.Interface}={a.Address}/{a.PrefixLength}").Order(StringComparer.Ordinal)).Append('\n')
                .Append(" kube-proxy ").Append(p.Manager?.ToString() ?? "-").Append(' ').Append(p.Running).Append(' ').Append(p.Unit ?? "-").Append(' ')
                .Append(p.ManifestPath ?? "-").Append(' ').Append(p.ContainerId ?? "-").Append(' ')
                .AppendJoin(' ', p.CustomStop ?? []).Append(" | ").AppendJoin(' ', p.CustomStart ?? []).Append('\n')
                .Append(" kubelet ").Append(f.KubeletRunning).Append(" kubectl ").Append(f.Kubectl.Installed).Append('\n');
            // Only when present, so a fingerprint without one is what it always was: the marker decides what is started.
            if (p.StoppedBy is { } m) text.Append(" stopped-by-tool ").Append(m.KubeletStopped).Append('\n');
        }
        // Only when present, so facts without claims keep the fingerprint they always had.
        var claimLines = (claims ?? []).SelectMany(c => c.FieldClaims
            .Where(f => targets is null || targets.Any(t => KubernetesAddress.Same(t, f.Address)))
            .Select(f => $"claim {c.Service} {f.FieldPath} {f.Address}"));
        foreach (var line in claimLines.Distinct().Order(StringComparer.Ordinal)) text.Append(line).Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
