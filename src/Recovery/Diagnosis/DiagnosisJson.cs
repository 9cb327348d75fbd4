using System.Text.Encodings.Web;
using System.Text.Json;
using Recovery.Diagnosis.Json;
using Recovery.Facts;

namespace Recovery.Diagnosis;

/// <summary>`diagnose --json`: the report as a versioned document (apiVersion kube-recover/v1, kind Diagnosis).</summary>
internal static class DiagnosisJson
{
    public const string ApiVersion = "kube-recover/v1";
    public const string Kind = "Diagnosis";

    // Relaxed escaping: the document goes to a terminal or a file, never into HTML, and "can't" should read as such.
    private static readonly DiagnosisJsonContext Context = new(new JsonSerializerOptions(DiagnosisJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    public static string Render(DiagnosisReport report) =>
        JsonSerializer.Serialize(ToDocument(report), Context.DiagnosisDocument) + "\n";

    public static DiagnosisDocument Read(string json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, Context.DiagnosisDocument) ?? throw new FormatException("the diagnosis document is empty");
        }
        catch (JsonException e)
        {
            throw new FormatException($"not a kube-recover diagnosis document: {e.Message}", e);
        }
    }

    public static DiagnosisDocument ToDocument(DiagnosisReport report)
    {
        var f = report.Findings;
        return new DiagnosisDocument(
            ApiVersion,
            Kind,
            report.Inventory.Cluster,
            f.LockoutFound,
            new FindingsDocument(
                f.Hijacked.Select(h => new HijackedAddressDocument(
                    h.Address.ToString(), h.Owner, h.IsProtected, h.LocksOut, h.HijackedOn, h.BoundOn, h.OwnerBound,
                    h.BrokenReach.Select(b => new BrokenReachDocument(b.FromNode, b.ToNode, b.Address.ToString(), b.Port, b.ToItself, b.Detail)).ToList(),
                    h.ClaimedBy.Select(c => new ClaimDocument(c.Service.Namespace, c.Service.Name, c.FieldsClaiming(h.Address), c.Source,
                        c.Owners.Select(w => new ClaimOwnerDocument(w.Name, w.Evidence, w.Pause)).ToList())).ToList(),
                    h.PresumedOn))
                .ToList(),
                f.Unreachable.Select(u => new UnreachableNodeDocument(u.Node, u.Address.ToString(), u.Reason, u.Hint)).ToList(),
                f.Notices.Select(n => new NoticeDocument(KindName(n.Kind), n.Node, n.Message)).ToList()),
            report.Nodes.Select(Node).ToList(),
            f.SeenWhole);
    }

    private static NodeDocument Node(NodeFacts n) => new(
        n.NodeName,
        n.Hostname,
        n.MachineId,
        n.Addresses.Select(a => new AddressDocument(a.Interface, a.Address.ToString(), a.PrefixLength)).ToList(),
        n.IpvsAddresses.Select(a => a.ToString()).ToList(),
        n.Routes.Select(r => new RouteDocument(r.Destination.ToString(), r.Type, r.Device, r.Source?.ToString(),
            r.IsLocal && !n.OwnAddresses.Contains(r.Destination))).ToList(),
        new KubeProxyDocument(DiagnosisReport.ManagerName(n.KubeProxy), n.KubeProxy.Mode, n.KubeProxy.ModeSource, n.KubeProxy.Running,
            n.KubeProxy.Unit, n.KubeProxy.ManifestPath, n.KubeProxy.ContainerId, n.KubeProxy.Pid, n.KubeProxy.ConfigPath, n.KubeProxy.SyncPeriod?.TotalSeconds,
            n.KubeProxy.StoppedBy is { } m ? new StopMarkerDocument(m.Planned, m.StoppedAt, m.Manager is { } mm ? StopMarker.ManagerName(mm) : null, m.KubeletStopped, m.Unit, m.ContainerId) : null,
            n.KubeProxy.Unknown),
        n.KubeletRunning,
        n.Reach.Select(r => new ReachDocument(r.TargetNode, r.TargetAddress.ToString(), r.Port, r.Reachable, r.Detail)).ToList(),
        new KubectlDocument(n.Kubectl.Installed, n.Kubectl.KubeconfigPath, n.Kubectl.Program),
        n.Notes,
        n.LocalRoutes.Select(r => new LocalRouteDocument(r.Type, r.Destination, r.Device, r.Source?.ToString())).ToList(),
        n.Way.Length == 0 ? null : n.Way,
        // Present only when true: its empty address list is unknown, not empty.
        n.AddressesUnread ? true : null);

    /// <summary>camelCase, like every other name in the document.</summary>
    private static string KindName(NoticeKind kind) => JsonNamingPolicy.CamelCase.ConvertName(kind.ToString());
}
