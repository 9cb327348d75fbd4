using System.Net;
using Recovery.Kubernetes;

namespace Recovery.Planning;

/// <summary>What the operator asked for: the hijacked addresses and how to fix the Service(s) claiming them.</summary>
/// <param name="Services">Narrows the fix to these Services; null or empty: every Service claiming an address, found at run time.</param>
/// <param name="ServicePorts">The claiming Services' ports when known (from diagnose), for removing IPVS virtual servers; null: left to kube-proxy's next sync.</param>
/// <param name="SyncPeriod">kube-proxy's sync period (--sync-period / syncPeriod; 30 s by default).</param>
/// <param name="FixFirstVia">The control-plane node whose API answered the survey with the claims: the Service is fixed
/// through it before anything changes (<see cref="PhaseKind.FixFirst"/>); null: only after the unbind.</param>
internal sealed record RecoveryIntent(
    IReadOnlyList<IPAddress> Addresses,
    IReadOnlyList<ServiceRef>? Services,
    FixAction Action,
    FixPath Path,
    TimeSpan SyncPeriod,
    IReadOnlyList<ServicePort>? ServicePorts = null,
    string? FixFirstVia = null)
{
    public static readonly TimeSpan DefaultSyncPeriod = TimeSpan.FromSeconds(30);
}
