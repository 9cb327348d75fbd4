using System.Net;
using Recovery.Access;
using Recovery.Facts;
using Recovery.Inventory;
using Recovery.Kubernetes;

namespace Recovery.Planning.Phases;

/// <summary>Phase 5: fix the Service(s) claiming the addresses, through kubectl (etcd as the fallback) or etcd.</summary>
internal static class FixObjectPhase
{
    /// <summary>How long fix-first waits on its API server: it is a head start, never a wait (FixObject is the fallback).</summary>
    public static readonly TimeSpan FixFirstRequestTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Fix-first: while the lockout holds, the API servers on the quorum's side still answer (one did, in the survey), and
    /// their etcd is stable. Fixing the Service through it before anything changes avoids the window after the unbind
    /// where the cut-off etcd member rejoins with a higher term and the quorum re-elects (etcd 3.4 has no pre-vote: the
    /// API stalls for seconds), and every kube-proxy that sees the change unbinds by itself. Safe in either outcome: the
    /// claim is gone before any unbind, so nothing binds it again; and where this fails, FixObject still runs in its place,
    /// after the unbind and before any kube-proxy starts. kubectl only (no etcd write while the quorum is up), one
    /// candidate: the node whose API answered.
    /// </summary>
    /// <param name="ownApi">Nodes whose kube-proxy runs inside their API server (<see cref="KubeProxyControl.InsideApiServer"/>):
    /// each is also asked through its own API (its kube-proxy watches that one), after the node whose API answered.</param>
    public static IEnumerable<Step> First(Dictionary<string, NodeFacts> byName, RecoveryIntent intent, ClusterInventory inventory, IEnumerable<string> ownApi)
    {
        if (intent.Addresses.Count == 0 || intent.Path == FixPath.Etcd) yield break;
        var via = intent.FixFirstVia is { } v && inventory.FindByName(v) is { IsControlPlane: true } ? v : null;
        foreach (var node in ownApi.Prepend(via).OfType<string>().Distinct())
        {
            if (!byName.TryGetValue(node, out var f) || !f.Kubectl.Installed) continue;
            var whose = node == via ? "whose API answered the survey" : "its own API, which its kube-proxy watches";
            var candidate = new KubectlCandidate(node, f.Kubectl.KubeconfigPath, f.Kubectl.Program);
            foreach (var svc in Services(intent))
            {
                yield return new Step(Id("fix-first", node, intent, svc), node,
                    $"{Verb(intent)} {Target(intent, svc)} through kubectl on {node}, {whose} (YAML saved first)",
                    new KubectlFix(svc, intent.Action, intent.Addresses, [candidate], FixFirstRequestTimeout, EtcdFallback: false));
            }
        }
    }

    /// <summary>Why the Service cannot be fixed first through the node's own API; null when it can.</summary>
    public static string? NoFixFirst(string node, Dictionary<string, NodeFacts> byName, RecoveryIntent intent) =>
        intent.Path == FixPath.Etcd ? "--via etcd"
        : !byName.TryGetValue(node, out var f) ? "it did not answer at preflight"
        : !f.Kubectl.Installed ? "kubectl is not installed there"
        : null;

    /// <summary>The Services the intent names, or one null: every Service claiming the addresses, found at run time.</summary>
    private static List<ServiceRef?> Services(RecoveryIntent intent) => intent.Services is { Count: > 0 } s ? s.Cast<ServiceRef?>().ToList() : [null];

    private static string Id(string phase, string node, RecoveryIntent intent, ServiceRef? svc) =>
        $"{phase}/{node}/{intent.Action.ToString().ToLowerInvariant()}-{(svc is null ? "claiming-services" : $"{svc.Namespace}.{svc.Name}")}";

    private static string Verb(RecoveryIntent intent) => intent.Action == FixAction.Delete ? "Delete" : "Strip the addresses from";

    private static string Target(RecoveryIntent intent, ServiceRef? svc) =>
        svc is null ? $"every Service claiming {string.Join(", ", intent.Addresses)}" : $"the Service {svc}";

    /// <summary>Control-plane nodes with kubectl that answered, local first (NODES' order); unreachable control-plane nodes last.</summary>
    public static List<KubectlCandidate> Candidates(List<Node> nodes, Dictionary<string, NodeFacts> byName) =>
        nodes.Where(n => n.IsControlPlane && byName.TryGetValue(n.Name, out var f) && f.Kubectl.Installed)
            .Concat(nodes.Where(n => n.IsControlPlane && !byName.ContainsKey(n.Name)))
            .Select(n => byName.GetValueOrDefault(n.Name)?.Kubectl is { } k ? new KubectlCandidate(n.Name, k.KubeconfigPath, k.Program) : new KubectlCandidate(n.Name, null)).ToList();

    public static IEnumerable<Step> Steps(List<Node> nodes, Dictionary<string, NodeFacts> byName, RecoveryIntent intent, string localNode, List<string> warnings)
    {
        // Only owed kube-proxy starts to plan (no address left to recover): no Service to fix.
        if (intent.Addresses.Count == 0) yield break;
        var services = Services(intent);
        var verb = Verb(intent);
        string Id(ServiceRef? svc) => FixObjectPhase.Id("fix-object", localNode, intent, svc);
        string Target(ServiceRef? svc) => FixObjectPhase.Target(intent, svc);

        if (intent.Path == FixPath.Etcd)
        {
            foreach (var svc in services)
            {
                yield return new Step(Id(svc), localNode, $"{verb} {Target(svc)} directly in etcd (backup first)",
                    new EtcdFix(svc, intent.Action, intent.Addresses));
            }
            yield break;
        }
        // Control-plane nodes with kubectl that answered, local first; unreachable control-plane nodes last.
        var candidates = Candidates(nodes, byName);
        if (candidates.Count == 0)
        {
            warnings.Add(intent.Path == FixPath.Auto
                ? "no control-plane node has kubectl: the Service is fixed through etcd"
                : "no control-plane node has kubectl: the Service fix will fail; use --via etcd or auto");
        }
        foreach (var svc in services)
        {
            var step = candidates.Count == 0 && intent.Path == FixPath.Auto
                ? new Step(Id(svc), localNode, $"{verb} {Target(svc)} directly in etcd (backup first)", new EtcdFix(svc, intent.Action, intent.Addresses))
                : new Step(Id(svc), candidates.FirstOrDefault()?.Node ?? localNode, $"{verb} {Target(svc)} through kubectl on the first control-plane node that answers (YAML saved first)",
                    new KubectlFix(svc, intent.Action, intent.Addresses, candidates, Planner.KubectlRequestTimeout, intent.Path == FixPath.Auto));
            yield return step;
        }
    }
}
