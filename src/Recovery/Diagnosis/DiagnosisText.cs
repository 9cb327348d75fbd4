using System.Globalization;
using System.Text;
using Recovery.Facts;
using Recovery.Inventory;

namespace Recovery.Diagnosis;

/// <summary>The human report of diagnose: the verdict and findings first, then one block per node.</summary>
internal static class DiagnosisText
{
    public static string Render(DiagnosisReport report)
    {
        var f = report.Findings;
        var o = new StringBuilder();
        o.AppendLine(Verdict(f));
        o.AppendLine();

        o.AppendLine("Findings");
        if (f.Hijacked.Count == 0 && f.Unreachable.Count == 0 && f.Notices.Count == 0) o.AppendLine("  (none)");
        foreach (var h in f.Hijacked) Hijacked(o, report, h);
        foreach (var u in f.Unreachable)
        {
            o.AppendLine(CultureInfo.InvariantCulture, $"  ! {u.Node} ({u.Address}) could not be read: {u.Reason}");
            if (u.Hint is not null) o.AppendLine(CultureInfo.InvariantCulture, $"      {u.Hint}");
        }
        // Probe notes are shown in their node's block; owner-only is explained in its address's block.
        foreach (var n in f.Notices.Where(n => n.Kind is not (NoticeKind.ProbeNote or NoticeKind.OwnerOnly)))
        {
            o.AppendLine(CultureInfo.InvariantCulture, $"  - {n.Message}");
        }
        o.AppendLine();

        o.AppendLine("Nodes");
        foreach (var node in report.Nodes) Node(o, report, node);
        return o.ToString();
    }

    /// <summary>The first line. It never says "no lockout" about nodes it could not read (DESIGN.md guarantee 8).</summary>
    private static string Verdict(Findings f)
    {
        var locking = f.Hijacked.Count(h => h.LocksOut);
        var addresses = $"{locking} hijacked address{(locking == 1 ? "" : "es")}";
        var silent = string.Join(", ", f.Unreachable.Select(u => u.Node));
        // A node whose addresses were not read may hold anything on its kube-ipvs0: as unseen as a silent one.
        var addressesUnread = f.AddressesUnread.Count == 0 ? "" : $"the addresses of {string.Join(", ", f.AddressesUnread)} could not be read";
        var unread = string.Join("; ", new[] { silent.Length == 0 ? "" : $"{silent} could not be read", addressesUnread }.Where(p => p.Length > 0));
        if (f.LockoutFound && f.Hijacked.Any(h => h.PresumedOn.Count > 0))
        {
            return $"LOCKOUT FOUND, NOT SEEN WHOLE: {addresses}; {silent} could not be read and {(f.Unreachable.Count == 1 ? "is" : "are")} presumed to hold it"
                + (addressesUnread.Length == 0 ? "" : $"; {addressesUnread}");
        }
        if (f.LockoutFound) return f.SeenWhole ? $"LOCKOUT FOUND: {addresses}" : $"LOCKOUT FOUND: {addresses}; NOT SEEN WHOLE: {unread}";
        return f.SeenWhole ? "No lockout found" : $"NO LOCKOUT SEEN, BUT NOT SEEN WHOLE: {unread}";
    }

    private static void Hijacked(StringBuilder o, DiagnosisReport report, HijackedAddress h)
    {
        var what = Diagnoser.Describe(report.Inventory, h.Address, h.Owner);
        if (h.HijackedOn.Count > 0)
        {
            o.AppendLine(CultureInfo.InvariantCulture, $"  ! {what} is hijacked on {string.Join(", ", h.HijackedOn)}: it is on their {NodeFacts.IpvsInterface}, so traffic to it stays on each of them");
        }
        if (h.PresumedOn.Count > 0)
        {
            o.AppendLine(CultureInfo.InvariantCulture, $"  ! {what} is presumed hijacked on {string.Join(", ", h.PresumedOn)} (not seen: they could not be read; they stop answering {h.Owner} exactly as this lockout makes them)");
        }
        if (!h.LocksOut)
        {
            o.AppendLine(CultureInfo.InvariantCulture, $"  ! {what} is on {NodeFacts.IpvsInterface} of its owner only: no lockout now, but while a Service claims it, every other node's kube-proxy in IPVS mode binds it at its next sync");
        }
        if (h.Owner is not null)
        {
            o.AppendLine(h.OwnerBound switch
            {
                true => $"      owner: {h.Owner} (holds it on {NodeFacts.IpvsInterface} too, as kube-proxy v1.20 does)",
                false => $"      owner: {h.Owner} (not on its {NodeFacts.IpvsInterface}: newer kube-proxy skips a local address)",
                null => $"      owner: {h.Owner} (its facts could not be read)",
            });
        }
        o.AppendLine(h.ClaimedBy.Count == 0
            ? "      claimed by: unknown (no API answered, or no Service lists it)"
            : $"      claimed by: {string.Join(", ", h.ClaimedBy.Select(c => $"{c.Service} ({string.Join(", ", c.FieldsClaiming(h.Address))}; from {c.Source})"))}");
        foreach (var c in h.ClaimedBy)
        {
            foreach (var owner in c.Owners) o.AppendLine(CultureInfo.InvariantCulture, $"      put back by: {owner} for {c.Service}: {owner.Pause}");
        }
        foreach (var b in h.BrokenReach)
        {
            o.AppendLine(CultureInfo.InvariantCulture, $"      cut off: {b.FromNode} -> {b.ToNode} {b.Address}:{b.Port}: {b.Detail}");
        }
    }

    private static void Node(StringBuilder o, DiagnosisReport report, NodeFacts n)
    {
        var node = report.Inventory.FindByName(n.NodeName);
        o.AppendLine(CultureInfo.InvariantCulture, $"  {n.NodeName} ({node?.Address.ToString() ?? "?"})");
        var rows = new List<(string, string)>
        {
            ("hostname", $"{Or(n.Hostname)}, machine-id {Or(n.MachineId)}"),
            ("reached", Or(n.Way)),
            ("addresses", Join(n.Addresses.Where(a => a.Interface != NodeFacts.IpvsInterface && a.Interface != "lo")
                .Select(a => $"{a.Interface} {a.Address}/{a.PrefixLength}"))),
            (NodeFacts.IpvsInterface, Join(n.IpvsAddresses.Select(a => a.ToString()))),
            ("wrong local", Join(DiagnosisReport.LocalRoutesNotOwned(n).Select(r => $"{r.Destination} (ip route get: local dev {r.Device})"))),
            ("kube-proxy", KubeProxy(n.KubeProxy)),
            ("kubelet", n.KubeletRunning ? "running" : "not running"),
            ("reach", Reach(n)),
            ("kubectl", n.Kubectl.Installed ? $"installed, kubeconfig {n.Kubectl.KubeconfigPath ?? "none found"}" : "not installed"),
        };
        rows.AddRange(n.Notes.Select(note => ("note", note)));
        foreach (var (key, value) in rows)
        {
            o.AppendLine(CultureInfo.InvariantCulture, $"    {key,-12} {value}");
        }
    }

    private static string KubeProxy(KubeProxyFacts k)
    {
        var how = k.Manager switch
        {
            null when k.Unknown is not null => "manager unknown: its reads did not answer",
            null => "manager not found",
            KubeProxyManager.Systemd or KubeProxyManager.K3s => $"{DiagnosisReport.ManagerName(k)} {k.Unit}",
            KubeProxyManager.StaticPod => $"static pod {k.ManifestPath}",
            KubeProxyManager.Docker or KubeProxyManager.Containerd => $"{DiagnosisReport.ManagerName(k)} container {k.ContainerId}",
            _ => DiagnosisReport.ManagerName(k),
        };
        var mode = k.ModeSource is null ? k.Mode : $"{k.Mode} (from {k.ModeSource})";
        return $"{how}; mode {mode}; {(k.Running ? "running" : "not running")}";
    }

    private static string Reach(NodeFacts n)
    {
        if (n.Reach.Count == 0) return "(no control-plane node to check)";
        var ok = n.Reach.Count(r => r.Reachable);
        var failing = n.Reach.Where(r => !r.Reachable).Select(r => $"{r.TargetNode}:{r.Port} {r.Detail}").ToList();
        return failing.Count == 0 ? $"{ok}/{n.Reach.Count} ok" : $"{ok}/{n.Reach.Count} ok; failing: {string.Join(", ", failing)}";
    }

    private static string Join(IEnumerable<string> items)
    {
        var list = items.ToList();
        return list.Count == 0 ? "-" : string.Join(", ", list);
    }

    private static string Or(string value) => value.Length == 0 ? "?" : value;
}
