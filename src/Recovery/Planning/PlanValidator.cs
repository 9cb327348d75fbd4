using System.Text.RegularExpressions;
using Recovery.Access;
using Recovery.Facts;
using Recovery.Inventory;

namespace Recovery.Planning;

/// <summary>
/// Checks a plan read from a file before it is executed: version, nodes known to the inventory, unique step ids,
/// sane durations, plain state file names, and every shell command in a shape the Planner itself produces
/// (a known program with arguments of the expected form; custom kube-proxy commands only as the inventory gives them).
/// Everything the runner would run on a node passes through here.
/// </summary>
internal static partial class PlanValidator
{
    private static readonly TimeSpan MaxDuration = TimeSpan.FromHours(1);

    public static void Validate(Plan plan, ClusterInventory inventory)
    {
        if (plan.ApiVersion != Plan.CurrentApiVersion) Fail($"apiVersion is '{plan.ApiVersion}': expected '{Plan.CurrentApiVersion}'");
        if (plan.Kind != Plan.PlanKind) Fail($"kind is '{plan.Kind}': expected '{Plan.PlanKind}'");
        if (inventory.FindByName(plan.LocalNode) is null) Fail($"localNode '{plan.LocalNode}' is not in the inventory");
        if (plan.Intent.SyncPeriod <= TimeSpan.Zero || plan.Intent.SyncPeriod > MaxDuration) Fail($"intent.syncPeriod {plan.Intent.SyncPeriod} is out of range: expected more than 0 and at most 1 hour");
        // Texts are printed on the operator's terminal: no escape sequences.
        foreach (var text in plan.Notes.Concat(plan.Warnings).Concat(plan.Phases.Select(p => p.Title)))
        {
            if (text.Any(char.IsControl)) Fail($"a note, warning or phase title contains control characters: {text.Length} characters starting '{new string(text.TakeWhile(c => !char.IsControl(c)).Take(40).ToArray())}'");
        }
        var kinds = plan.Phases.Select(p => p.Kind).ToList();
        if (!kinds.SequenceEqual(kinds.Order()) || kinds.Distinct().Count() != kinds.Count) Fail("phases are out of order or repeated: expected Preflight, Contain, Unbind, VerifyReach, FixObject, Restore, Verify");
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var phase in plan.Phases)
        {
            if (phase.FirstNode is { } first && inventory.FindByName(first) is null) Fail($"phase {phase.Kind}: firstNode '{first}' is not in the inventory");
            foreach (var step in phase.Steps)
            {
                var where = $"step '{step.Id}'";
                if (!StepId().IsMatch(step.Id)) Fail($"{where}: the id is not of the form phase/node/name");
                if (!ids.Add(step.Id)) Fail($"{where}: the id is used twice");
                var node = inventory.FindByName(step.Node) ?? throw Error($"{where}: node '{step.Node}' is not in the inventory");
                if (step.What.Any(char.IsControl)) Fail($"{where}: the description contains control characters");
                foreach (var probe in new[] { step.Guard, step.Check, step.Verify?.Probe }.OfType<Probe>())
                {
                    ValidateCommand(probe.Command, node, where);
                    if (probe.Text?.Any(char.IsControl) == true) Fail($"{where}: a probe text contains control characters");
                }
                if (step.Verify is { } v && (v.Budget <= TimeSpan.Zero || v.Budget > MaxDuration || v.Interval <= TimeSpan.Zero || v.Interval > v.Budget))
                {
                    Fail($"{where}: verify budget {v.Budget} / interval {v.Interval} out of range: expected 0 < interval <= budget <= 1 hour");
                }
                if (step.Undo is { } undo) ValidateCommand(undo, node, where);
                ValidateAction(step.Action, node, inventory, where);
            }
        }
    }

    private static void ValidateAction(StepAction action, Node node, ClusterInventory inventory, string where)
    {
        switch (action)
        {
            case RunCommands run:
                foreach (var c in run.Commands) ValidateCommand(c, node, where);
                break;
            case Wait wait when wait.Duration <= TimeSpan.Zero || wait.Duration > MaxDuration:
                Fail($"{where}: wait {wait.Duration} out of range: expected more than 0 and at most 1 hour");
                break;
            case SaveOutput save:
                ValidateCommand(save.Command, node, where);
                if (!FileName().IsMatch(save.File)) Fail($"{where}: '{save.File}' is not a plain file name (letters, digits, '.', '-', '_')");
                break;
            case KubectlFix fix:
                if (fix.Addresses.Count == 0) Fail($"{where}: no addresses to fix");
                if (fix.RequestTimeout <= TimeSpan.Zero || fix.RequestTimeout > TimeSpan.FromMinutes(5)) Fail($"{where}: requestTimeout out of range: expected at most 5 minutes");
                foreach (var c in fix.Candidates)
                {
                    if (inventory.FindByName(c.Node) is not { IsControlPlane: true }) Fail($"{where}: kubectl candidate '{c.Node}' is not a control-plane node of the inventory");
                    if (c.Kubeconfig is { } k && !AbsolutePath().IsMatch(k)) Fail($"{where}: kubeconfig '{k}' is not a plain absolute path");
                }
                break;
            case EtcdFix etcd when etcd.Addresses.Count == 0:
                Fail($"{where}: no addresses to fix");
                break;
        }
    }

    /// <summary>Each simple command must be one the Planner produces; sequences are checked part by part.</summary>
    private static void ValidateCommand(ShellCommand command, Node node, string where)
    {
        switch (command)
        {
            case ShellCommand.Sequence s:
                ValidateCommand(s.Left, node, where);
                ValidateCommand(s.Right, node, where);
                return;
            case ShellCommand.Simple simple:
                if (!IsKnownShape(simple.Argv, node))
                {
                    Fail($"{where}: refusing the command `{simple.Render()}`: not a command kube-recover plans for node {node.Name}");
                }
                return;
        }
    }

    private static bool IsKnownShape(IReadOnlyList<string> a, Node node)
    {
        if (node.KubeProxy is { Manager: KubeProxyManager.Custom } spec && (Same(a, spec.Stop) || Same(a, spec.Start))) return true;
        if (StopMarkerCommands.IsWrite(a) || StopMarkerCommands.IsRemove(a)) return true;
        var rest = string.Join(' ', a.Skip(1));
        return a[0] switch
        {
            "ip" => IpArgs().IsMatch(rest),
            "ipset" => IpsetArgs().IsMatch(rest),
            "ipvsadm" => IpvsadmArgs().IsMatch(rest),
            "systemctl" => SystemctlArgs().IsMatch(rest),
            "docker" or "crictl" => ContainerArgs().IsMatch(rest),
            "mkdir" => a.Count == 3 && a[1] == "-p" && a[2] == KubeProxyControl.AsideDirectory,
            "mv" => a.Count == 3 && IsManifestMove(a[1], a[2]) || a.Count == 3 && IsManifestMove(a[2], a[1]),
            "test" => a.Count is 3 or 4 && TestArgs().IsMatch(rest),
            "curl" or "timeout" when IsProxyModeQuery(a) => true,
            "timeout" => a.Count == 5 && a[1] == "5" && a[2] == "bash" && a[3] == "-c" && TcpScript().IsMatch(a[4]),
            "command" => a.Count == 3 && a[1] == "-v" && a[2] is "ipset" or "ipvsadm",
            _ => false,
        };
    }

    /// <summary>A kube-proxy manifest moved to or from the aside folder, keeping its file name.</summary>
    private static bool IsManifestMove(string manifest, string aside) =>
        AbsolutePath().IsMatch(manifest) && Manifest().IsMatch(manifest) &&
        aside == $"{KubeProxyControl.AsideDirectory}/{Path.GetFileName(manifest)}";

    private static bool IsProxyModeQuery(IReadOnlyList<string> a) =>
        Commands.KubeProxyModeQuery.Shell is ShellCommand.Sequence { Left: ShellCommand.Simple curl, Right: ShellCommand.Simple devTcp }
        && (a.SequenceEqual(curl.Argv) || a.SequenceEqual(devTcp.Argv));

    private static bool Same(IReadOnlyList<string> a, IReadOnlyList<string>? b) => b is not null && a.SequenceEqual(b);

    private static void Fail(string message) => throw Error(message);

    private static InvalidPlanException Error(string message) => new($"invalid plan: {message}");

    private const string Address = @"[0-9a-fA-F.:]+";
    private const string Iface = @"[A-Za-z0-9._@-]{1,15}";

    [GeneratedRegex(@"^(preflight|contain|unbind|reach|fix-object|restore|verify)/[A-Za-z0-9._-]+/[A-Za-z0-9._:-]+$")]
    private static partial Regex StepId();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9._-]*$")]
    private static partial Regex FileName();

    [GeneratedRegex(@"^(/[A-Za-z0-9._-]+)+$")]
    private static partial Regex AbsolutePath();

    [GeneratedRegex(@"kube-proxy[A-Za-z0-9._-]*\.(yaml|yml|json|manifest)$")]
    private static partial Regex Manifest();

    [GeneratedRegex(@"^(addr (del|add) " + Address + "/(32|128) dev " + NodeFacts.IpvsInterface + "|addr show|-o addr show dev " + NodeFacts.IpvsInterface + " to " + Address + "/(32|128)" +
                    "|route get " + Address + "|route show table local( " + Address + " dev " + Iface + ")?" +
                    "|route add local " + Address + " dev " + Iface + " table local proto kernel scope host src " + Address + ")$")]
    private static partial Regex IpArgs();

    [GeneratedRegex(@"^((del|add|test) KUBE-(6-)?[A-Z-]{1,24} " + Address + "(,(tcp|udp|sctp):[0-9]{1,5})?|list -n KUBE-(6-)?[A-Z-]{1,24})$")]
    private static partial Regex IpsetArgs();

    [GeneratedRegex(@"^(-D|-L -n) (-t|-u|--sctp-service) (" + Address + @"|\[" + Address + @"\]):[0-9]{1,5}$")]
    private static partial Regex IpvsadmArgs();

    [GeneratedRegex(@"^(stop|start|is-active --quiet) [A-Za-z0-9@._-]*(kube|k3s|rke2)[A-Za-z0-9@._-]*$")]
    private static partial Regex SystemctlArgs();

    [GeneratedRegex(@"^(stop [0-9a-f]{6,64}|start [0-9a-f]{6,64}|ps -q --no-trunc --filter id=[0-9a-f]{6,64}|ps -q --id [0-9a-f]{6,64})$")]
    private static partial Regex ContainerArgs();

    [GeneratedRegex(@"^(! )?-e (/[A-Za-z0-9._-]+)+$")]
    private static partial Regex TestArgs();

    [GeneratedRegex(@"^exec 3<>/dev/tcp/" + Address + "/[0-9]{1,5}$")]
    private static partial Regex TcpScript();
}
