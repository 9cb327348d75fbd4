using System.Security.Cryptography;
using System.Text;
using Recovery.Facts;

namespace Recovery.Planning;

/// <summary>
/// A digest of the facts a plan depends on (who holds which address on kube-ipvs0, how kube-proxy runs, a stop
/// marker, kubelet, kubectl, which nodes answered). A saved plan is executed only while a fresh fingerprint equals its own.
/// Not for --resume: a partly executed plan has changed those facts on purpose.
/// </summary>
public static class FactsFingerprint
{
    public static string Of(IEnumerable<NodeFacts> facts)
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
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
