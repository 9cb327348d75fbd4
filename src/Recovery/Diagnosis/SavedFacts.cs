using System.Net;
using Recovery.Addresses;
using Recovery.Diagnosis.Json;
using Recovery.Facts;
using Recovery.Facts.Parsing;
using Recovery.Inventory;
using Recovery.Kubernetes;

namespace Recovery.Diagnosis;

/// <summary>
/// The facts of a `diagnose --json` document, read back: plan from them without reaching any node (an
/// air-gapped review of what the tool would do, or a plan prepared on another machine). The document is input
/// like any other: every name and address is checked against the inventory, anything else is refused.
/// </summary>
internal sealed record SavedFacts(IReadOnlyList<NodeFacts> Nodes, IReadOnlyList<UnreachableNode> Unreachable, IReadOnlyList<ServiceClaim> Claims)
{
    public const long MaxFileBytes = 16 * 1024 * 1024;

    /// <exception cref="FormatException">not a diagnosis document for this inventory.</exception>
    public static SavedFacts Read(string json, ClusterInventory inventory)
    {
        var document = DiagnosisJson.Read(json);
        if (document.ApiVersion != DiagnosisJson.ApiVersion || document.Kind != DiagnosisJson.Kind)
            throw new FormatException($"expected apiVersion {DiagnosisJson.ApiVersion} and kind {DiagnosisJson.Kind} (the output of diagnose --json), got {document.ApiVersion} {document.Kind}");
        var nodes = document.Nodes.Select(n => Node(n, inventory)).ToList();
        foreach (var group in nodes.GroupBy(n => n.NodeName).Where(g => g.Count() > 1))
            throw new FormatException($"node {group.Key} appears {group.Count()} times in the facts");
        var unreachable = document.Findings.UnreachableNodes
            .Select(u => new UnreachableNode(Known(u.Node, inventory), Address(u.Address, "unreachable node address"), u.Reason, u.Hint))
            .ToList();
        var claims = document.Findings.Hijacked
            .SelectMany(h => h.ClaimedBy.Select(c => (Address: Address(h.Address, "hijacked address"), Claim: c)))
            .GroupBy(x => (x.Claim.Namespace, x.Claim.Name))
            .Select(g => new ServiceClaim(
                new ServiceRef(g.Key.Namespace, g.Key.Name),
                g.SelectMany(x => x.Claim.Fields.Select(f => ClaimOf(f, x.Address))).Distinct().ToList(),
                g.First().Claim.Source))
            .ToList();
        return new SavedFacts(nodes, unreachable, claims);
    }

    private static AddressClaim ClaimOf(string field, IPAddress address) =>
        ServiceClaimRule.FieldOf(field) is { } f
            ? new AddressClaim(f, address, address.ToString())
            : throw new FormatException($"claim field '{Logging.SafeText.Of(field)}' is not one of {string.Join(", ", Enum.GetValues<ClaimField>().Select(ServiceClaimRule.PathOf))}");

    private static NodeFacts Node(NodeDocument n, ClusterInventory inventory)
    {
        var name = Known(n.Name, inventory);
        var p = n.KubeProxy;
        var spec = inventory.FindByName(name)!.KubeProxy;
        var kubeProxy = new KubeProxyFacts(Manager(p.Manager), p.Running, p.Mode, p.Unit, p.ManifestPath, p.ContainerId, spec?.Stop, spec?.Start)
        {
            ModeSource = p.ModeSource,
            Pid = p.Pid,
            ConfigPath = p.ConfigPath,
            SyncPeriod = p.SyncPeriodSeconds is { } s and > 0 and <= 3600 ? TimeSpan.FromSeconds(s) : null,
            StoppedBy = p.StoppedByTool is { } m ? Marker(m) : null,
            // Unknown stays unknown in a saved diagnosis: the plan made from it holds on that node like a live one.
            Unknown = p.Unknown is { } u ? (u.Any(char.IsControl) ? throw new FormatException($"kube-proxy's unknown reason on {name} contains control characters") : u) : null,
        };
        return new NodeFacts(
            name,
            n.Hostname,
            n.MachineId,
            n.Addresses.Select(a => new InterfaceAddress(Interface(a.Interface), Address(a.Address, "interface address"), a.PrefixLength is >= 0 and <= 128 ? a.PrefixLength : throw new FormatException($"prefix length {a.PrefixLength} on {name}"))).ToList(),
            n.Routes.Select(r => new RouteLookup(Address(r.Destination, "route destination"), r.Type, r.Device is null ? null : Interface(r.Device), r.Source is null ? null : Address(r.Source, "route source"))).ToList(),
            kubeProxy,
            n.KubeletRunning,
            n.Reach.Select(r => new ReachProbe(Known(r.Node, inventory), Address(r.Address, "reach address"), r.Port is > 0 and < 65536 ? r.Port : throw new FormatException($"port {r.Port}"), r.Reachable, r.Detail)).ToList(),
            // Only a kubectl the probe knows (guarantee 7: no program path taken from a file as it is).
            new KubectlFacts(n.Kubectl.Installed, n.Kubectl.Kubeconfig, n.Kubectl.Program is null or Kubernetes.KubectlProgram.Rke2 ? n.Kubectl.Program : throw new FormatException($"kubectl program '{n.Kubectl.Program}'")))
        {
            Notes = n.Notes,
            Way = n.Way is { } way && !way.Any(char.IsControl) ? way : "",
            AddressesUnread = n.AddressesUnread == true,
            LocalRoutes = (n.LocalRoutes ?? []).Select(r => new LocalRoute(Word(r.Type), Destination(r.Destination), Interface(r.Device), r.Source is null ? null : Address(r.Source, "local route source"))).ToList(),
        };
    }

    /// <summary>Through the marker's own parser: the same checks as when it was read on the node.</summary>
    private static StopMarker Marker(StopMarkerDocument m)
    {
        var lines = new List<string> { StopMarker.Header };
        if (m.Planned is not null) lines.Add($"planned: {m.Planned}");
        if (m.StoppedAt is not null) lines.Add($"stopped-at: {m.StoppedAt}");
        if (m.Manager is not null) lines.Add($"manager: {m.Manager}");
        if (m.KubeletStopped) lines.Add("kubelet: stopped");
        if (m.Unit is not null) lines.Add($"unit: {m.Unit}");
        if (m.ContainerId is not null) lines.Add($"container: {m.ContainerId}");
        return StopMarker.Parse(string.Join('\n', lines.Select(l => l.ReplaceLineEndings(" "))))!;
    }

    private static KubeProxyManager? Manager(string name) =>
        KubeProxyManagerNames.TryParse(name, out var manager) ? manager
        : name is DiagnosisReport.NoManager or DiagnosisReport.UnknownManager ? null
        : throw new FormatException($"'{Logging.SafeText.Of(name)}' is not a kube-proxy manager");

    private static string Known(string node, ClusterInventory inventory) =>
        inventory.FindByName(node) is not null ? node : throw new FormatException($"node '{Logging.SafeText.Of(node)}' in the facts is not in the inventory");

    private static IPAddress Address(string text, string what) =>
        KubernetesAddress.TryParseHost(text, out var address, out _) ? address : throw new FormatException($"{what} '{Logging.SafeText.Of(text)}' is not an IP address");

    /// <summary>A route's destination: an address or a prefix (127.0.0.0/8).</summary>
    private static string Destination(string text) =>
        text.Contains('/') ? (IPNetwork.TryParse(text, out var network) ? network.ToString() : throw new FormatException($"local route '{Logging.SafeText.Of(text)}' is not an address or prefix"))
            : Address(text, "local route").ToString();

    private static string Word(string text) =>
        text.Length is > 0 and <= 16 && text.All(char.IsAsciiLetterLower) ? text : throw new FormatException($"'{Logging.SafeText.Of(text)}' is not a route type");

    /// <summary>Interface names as the kernel allows them (at most 15 characters, no '/' or spaces).</summary>
    private static string Interface(string name) =>
        name.Length is > 0 and <= 15 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '@' or ':')
            ? name
            : throw new FormatException($"'{Logging.SafeText.Of(name)}' is not a network interface name");
}
