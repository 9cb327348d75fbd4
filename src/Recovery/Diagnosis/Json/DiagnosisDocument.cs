namespace Recovery.Diagnosis.Json;

// The versioned JSON shape of `diagnose --json` (apiVersion kube-recover/v1, kind Diagnosis). Addresses are strings;
// names are camelCase. These records are the wire format only: change them together with README's description.

internal sealed record DiagnosisDocument(
    string ApiVersion,
    string Kind,
    string? Cluster,
    bool LockoutFound,
    FindingsDocument Findings,
    IReadOnlyList<NodeDocument> Nodes,
    bool SeenWhole = true);

internal sealed record FindingsDocument(
    IReadOnlyList<HijackedAddressDocument> Hijacked,
    IReadOnlyList<UnreachableNodeDocument> UnreachableNodes,
    IReadOnlyList<NoticeDocument> Notices);

internal sealed record HijackedAddressDocument(
    string Address,
    string? Owner,
    bool Protected,
    bool LocksOut,
    IReadOnlyList<string> HijackedOn,
    IReadOnlyList<string> BoundOn,
    bool? OwnerBound,
    IReadOnlyList<BrokenReachDocument> BrokenReach,
    IReadOnlyList<ClaimDocument> ClaimedBy,
    IReadOnlyList<string>? PresumedOn = null);

internal sealed record BrokenReachDocument(string From, string To, string Address, int Port, bool ToItself, string Detail);

/// <param name="Owners">who puts the claim back after the fix (added in v1 without a rename: readers ignore it).</param>
internal sealed record ClaimDocument(string Namespace, string Name, IReadOnlyList<string> Fields, string Source, IReadOnlyList<ClaimOwnerDocument> Owners);

/// <summary>One owner of a claim: who, from which metadata, and what to pause or change.</summary>
internal sealed record ClaimOwnerDocument(string Name, string Evidence, string Pause);

internal sealed record UnreachableNodeDocument(string Node, string Address, string Reason, string? Hint);

internal sealed record NoticeDocument(string Kind, string? Node, string Message);

internal sealed record NodeDocument(
    string Name,
    string Hostname,
    string MachineId,
    IReadOnlyList<AddressDocument> Addresses,
    IReadOnlyList<string> IpvsAddresses,
    IReadOnlyList<RouteDocument> Routes,
    KubeProxyDocument KubeProxy,
    bool KubeletRunning,
    IReadOnlyList<ReachDocument> Reach,
    KubectlDocument Kubectl,
    IReadOnlyList<string> Notes,
    IReadOnlyList<LocalRouteDocument>? LocalRoutes = null,
    string? Way = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] bool? AddressesUnread = null);

/// <summary>A line of `ip route show table local`: what the owner's own local route looked like.</summary>
internal sealed record LocalRouteDocument(string Type, string Destination, string Device, string? Source);

internal sealed record AddressDocument(string Interface, string Address, int PrefixLength);

internal sealed record RouteDocument(string Destination, string Type, string? Device, string? Source, bool Wrong);

internal sealed record KubeProxyDocument(
    string Manager,
    string Mode,
    string? ModeSource,
    bool Running,
    string? Unit,
    string? ManifestPath,
    string? ContainerId,
    int? Pid,
    string? ConfigPath,
    double? SyncPeriodSeconds = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] StopMarkerDocument? StoppedByTool = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Unknown = null);

/// <summary>The node's record that an earlier kube-recover run stopped its kube-proxy (/var/lib/kube-recover/stopped/kube-proxy).</summary>
internal sealed record StopMarkerDocument(string? Planned, string? StoppedAt, string? Manager, bool KubeletStopped, string? Unit, string? ContainerId);

internal sealed record ReachDocument(string Node, string Address, int Port, bool Reachable, string Detail);

/// <param name="Program">kubectl's path where PATH has none (RKE2); absent: `kubectl`.</param>
internal sealed record KubectlDocument(bool Installed, string? Kubeconfig,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Program = null);
