using System.Net;
using Recovery.Kubernetes;

namespace Recovery.Diagnosis;

/// <summary>What diagnose concluded from every node's facts. <see cref="LockoutFound"/> drives exit code 3.</summary>
internal sealed record Findings(
    IReadOnlyList<HijackedAddress> Hijacked,
    IReadOnlyList<UnreachableNode> Unreachable,
    IReadOnlyList<Notice> Notices)
{
    /// <summary>Some node keeps traffic for another node's (or a protected) address to itself, seen or presumed.</summary>
    public bool LockoutFound => Hijacked.Any(h => h.LocksOut);

    /// <summary>Nodes that answered but whose addresses could not be read (`ip addr show` silent, missing or garbled): their kube-ipvs0 is unknown.</summary>
    public IReadOnlyList<string> AddressesUnread { get; init; } = [];

    /// <summary>Some node, or some node's addresses, could not be read: whatever the verdict, it was not seen whole.</summary>
    public bool SeenWhole => Unreachable.Count == 0 && AddressesUnread.Count == 0;
}

/// <summary>
/// A node address or protected address bound to kube-ipvs0 somewhere.
/// </summary>
/// <param name="Owner">the inventory node the address belongs to (its inventory address, or held on a real interface); null for a protected address no node holds (a gateway, a VIP elsewhere).</param>
/// <param name="IsProtected">listed in the inventory's protect list or `--protect`.</param>
/// <param name="HijackedOn">nodes where the address is local (on kube-ipvs0, or `ip route get` says local) but not theirs: the lockout.</param>
/// <param name="BoundOn">every node with the address on kube-ipvs0, the owner included when its kube-proxy binds it too.</param>
/// <param name="OwnerBound">the owner has it on kube-ipvs0 as well (kube-proxy v1.20 does; newer versions skip a local address); null when there is no owner or its addresses could not be read.</param>
/// <param name="BrokenReach">the API/etcd checks towards the owner that fail, or only "succeed" by talking to the node itself; and the owner's checks towards the hijacked nodes that fail.</param>
/// <param name="ClaimedBy">the Services whose externalIPs or LB ingress hold it, when some API answered.</param>
internal sealed record HijackedAddress(
    IPAddress Address,
    string? Owner,
    bool IsProtected,
    IReadOnlyList<string> HijackedOn,
    IReadOnlyList<string> BoundOn,
    bool? OwnerBound,
    IReadOnlyList<BrokenReach> BrokenReach,
    IReadOnlyList<ServiceClaim> ClaimedBy)
{
    /// <summary>Nodes that could not be read and are presumed to hold the address: at the owner's console, the owner
    /// holds it (or a Service claims it) and the others do not answer, as the lockout makes them.</summary>
    public IReadOnlyList<string> PresumedOn { get; init; } = [];

    public bool LocksOut => HijackedOn.Count > 0 || PresumedOn.Count > 0;
}

/// <summary>A check from one node to another's port that the hijack breaks.</summary>
/// <param name="ToItself">the connection succeeded, but the route is local: it reached the checking node itself.</param>
internal sealed record BrokenReach(string FromNode, string ToNode, IPAddress Address, int Port, bool ToItself, string Detail);

/// <summary>A node whose facts could not be read.</summary>
/// <param name="Reason">the error, as the shell reported it.</param>
/// <param name="Hint">what the other facts suggest about it (its address hijacked on some nodes), or null.</param>
internal sealed record UnreachableNode(string Node, IPAddress Address, string Reason, string? Hint = null);

internal enum NoticeKind
{
    /// <summary>kube-proxy is not in IPVS mode on a node: this lockout cannot come from that node.</summary>
    NotIpvs,

    /// <summary>kube-proxy's mode could not be read on a node.</summary>
    ModeUnknown,

    /// <summary>An address is on its owner's kube-ipvs0 only: no lockout now, but a claim that will spread.</summary>
    OwnerOnly,

    /// <summary>A node address routes locally on a node that does not own it, without being on kube-ipvs0.</summary>
    LocalRouteElsewhere,

    /// <summary>A Service claims a node or protected address that no kube-ipvs0 holds (yet).</summary>
    UnboundClaim,

    /// <summary>Something the probe could not read on a node.</summary>
    ProbeNote,

    /// <summary>No API server answered kubectl: the claiming Services are unknown (etcd can still tell).</summary>
    ClaimsUnknown,

    /// <summary>A node keeps the record that an earlier kube-recover run stopped its kube-proxy: the next recover starts it.</summary>
    StoppedByTool,

    /// <summary>Several nodes answered with one machine-id: one address reaches another node; plan and recover refuse.</summary>
    SameMachine,
}

internal sealed record Notice(NoticeKind Kind, string? Node, string Message);
