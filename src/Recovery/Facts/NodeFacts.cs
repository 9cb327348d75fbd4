using System.Net;

namespace Recovery.Facts;

/// <summary>Everything read from one node. Pure data: collected by probes, consumed by Diagnosis and the Planner.</summary>
internal sealed record NodeFacts(
    string NodeName,
    string Hostname,
    string MachineId,
    IReadOnlyList<InterfaceAddress> Addresses,
    IReadOnlyList<RouteLookup> Routes,
    KubeProxyFacts KubeProxy,
    bool KubeletRunning,
    IReadOnlyList<ReachProbe> Reach,
    KubectlFacts Kubectl)
{
    public const string IpvsInterface = Commands.IpvsInterface.Name;

    /// <summary>The addresses bound to kube-ipvs0 on this node.</summary>
    public IEnumerable<IPAddress> IpvsAddresses => Addresses.Where(a => a.Interface == IpvsInterface).Select(a => a.Address);

    /// <summary>Addresses on any other interface: what this node really owns.</summary>
    public IEnumerable<IPAddress> OwnAddresses => Addresses.Where(a => a.Interface != IpvsInterface).Select(a => a.Address);

    /// <summary>
    /// Whether this node keeps traffic for an address it does not own (on kube-ipvs0, or routed locally): the hijack.
    /// Its connections to that address stay on it, and its replies to that address never leave it.
    /// </summary>
    public bool Hijacks(IPAddress address) => !OwnAddresses.Contains(address) && (IpvsAddresses.Contains(address) || RoutesLocally(address));

    /// <summary>Whether `ip route get` said this node keeps traffic for the address.</summary>
    public bool RoutesLocally(IPAddress address) => Routes.Any(r => r.IsLocal && r.Destination.Equals(address));

    /// <summary>What could not be read and why (a tool not installed, a command that timed out): facts too, never a crash.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>
    /// The reads that did not answer even on their second try, and why: their facts are unknown, not empty (a busy
    /// node is not a node without kube-proxy or without routes).
    /// </summary>
    public IReadOnlyList<string> Unanswered { get; init; } = [];

    /// <summary>`ip addr show` did not answer, is not installed or printed what cannot be read: <see cref="Addresses"/> is empty because unknown, and kube-ipvs0 may hold anything.</summary>
    public bool AddressesUnread { get; init; }

    /// <summary>`ip route show table local`, when it was read: the owner's own local route must survive the unbind.</summary>
    public IReadOnlyList<Parsing.LocalRoute> LocalRoutes { get; init; } = [];

    /// <summary>How the node was reached (this console, IPv4, or IPv6 link-local around the hijack); empty in saved facts of older versions.</summary>
    public string Way { get; init; } = "";
}

/// <summary>One address on one interface (`ip -j addr show`).</summary>
internal sealed record InterfaceAddress(string Interface, IPAddress Address, int PrefixLength);

/// <summary>`ip route get ADDR`: whether the kernel keeps traffic for ADDR on this node.</summary>
internal sealed record RouteLookup(IPAddress Destination, string Type, string? Device, IPAddress? Source)
{
    public bool IsLocal => Type == "local";
}

/// <summary>Whether a TCP port of another node answers from here (6443 API, 2379 etcd).</summary>
internal sealed record ReachProbe(string TargetNode, IPAddress TargetAddress, int Port, bool Reachable, string Detail)
{
    /// <summary>The check could not tell (no answer on either try, or bash could not run): not reachable, and not known to be unreachable.</summary>
    public bool Unknown { get; init; }
}

/// <param name="Program">Where kubectl is when PATH has none (RKE2's <see cref="Kubernetes.KubectlProgram.Rke2"/>); null: `kubectl` on PATH.</param>
internal sealed record KubectlFacts(bool Installed, string? KubeconfigPath, string? Program = null);
