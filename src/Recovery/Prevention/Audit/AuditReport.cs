using System.Net;

namespace Recovery.Prevention.Audit;

/// <summary>An address that must never sit on kube-ipvs0, and whose it is (node1 InternalIP, API server endpoint, --protect).</summary>
internal sealed record GuardedAddress(IPAddress Address, string Owner);

/// <summary>
/// How soon a claim locks the cluster out: active (IPVS: kube-proxy binds it now, or at its next sync), latent
/// (iptables/nftables bind nothing: a lockout the day the mode switches to IPVS), unknown (the mode was not read).
/// </summary>
internal enum Exposure { Active, Latent, Unknown }

/// <summary>One object field that claims a guarded address.</summary>
internal sealed record AuditFinding(string Object, string Field, string Value, IPAddress Address, string Owner, Exposure Exposure);

internal sealed record AuditReport(ProxyModeReading ProxyMode, IReadOnlyList<GuardedAddress> Guarded, IReadOnlyList<AuditFinding> Findings, IReadOnlyList<SourceStatus> Sources)
{
    public bool Found => Findings.Count > 0;

    /// <summary>True when a read that matters could not be done: then "nothing found" is not "clean".</summary>
    public bool Incomplete => Sources.Any(s => s.Decisive && s.State == SourceState.Unreadable);
}
