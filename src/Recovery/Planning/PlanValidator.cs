using System.Text.RegularExpressions;
using Recovery.Commands;
using Recovery.Inventory;

namespace Recovery.Planning;

/// <summary>
/// Checks a plan read from a file before it is executed: version, nodes known to the inventory, unique step ids,
/// sane durations, plain state file names, and custom kube-proxy commands only as the inventory gives them. Every
/// other command is a typed <see cref="NodeCommand"/>, checked when the plan was read. Everything the runner would run
/// on a node passes through here.
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
        if (!kinds.SequenceEqual(kinds.Order()) || kinds.Distinct().Count() != kinds.Count) Fail("phases are out of order or repeated: expected Preflight, FixFirst, Contain, Unbind, VerifyReach, FixObject, UnbindAfterFix, Restore, Verify");
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
                if (step.Verify is { } v && (v.Budget <= TimeSpan.Zero || v.Budget > MaxDuration || v.Interval <= TimeSpan.Zero || v.Interval > v.Budget || v.Settle < TimeSpan.Zero || v.Settle > MaxDuration))
                {
                    Fail($"{where}: verify budget {v.Budget} / interval {v.Interval} out of range: expected 0 < interval <= budget <= 1 hour, 0 <= settle <= 1 hour");
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
                    if (c.Kubeconfig is { } k && !CommandWords.IsPlainAbsolutePath(k)) Fail($"{where}: kubeconfig '{k}' is not a plain absolute path");
                }
                break;
            case ClaimsCheck check:
                if (check.Addresses.Count == 0) Fail($"{where}: no addresses to check");
                if (check.Budget <= TimeSpan.Zero || check.Budget > MaxDuration || check.Settle < TimeSpan.Zero || check.Settle > MaxDuration)
                    Fail($"{where}: claims check settle {check.Settle} or budget {check.Budget} out of range: expected at most 1 hour each, the budget more than 0");
                break;
            case EtcdFix etcd when etcd.Addresses.Count == 0:
                Fail($"{where}: no addresses to fix");
                break;
        }
    }

    /// <summary>
    /// Every other command was validated when it was read (each record checks its values as it is built); a custom
    /// kube-proxy command is accepted only where it is exactly the node's inventory stop or start command.
    /// </summary>
    private static void ValidateCommand(NodeCommand command, Node node, string where)
    {
        switch (command)
        {
            case Chain chain:
                ValidateCommand(chain.First, node, where);
                ValidateCommand(chain.Then, node, where);
                return;
            case CustomCommand custom when !(node.KubeProxy is { Manager: KubeProxyManager.Custom } spec && (Same(custom.Argv, spec.Stop) || Same(custom.Argv, spec.Start))):
                Fail($"{where}: refusing the command `{custom}`: not the inventory's kubeProxy stop or start command for node {node.Name}");
                return;
        }
    }

    private static bool Same(IReadOnlyList<string> a, IReadOnlyList<string>? b) => b is not null && a.SequenceEqual(b);

    private static void Fail(string message) => throw Error(message);

    private static InvalidPlanException Error(string message) => new($"invalid plan: {message}");

    [GeneratedRegex(@"^(preflight|fix-first|contain|unbind|reach|fix-object|unbind-after-fix|restore|verify)/[A-Za-z0-9._-]+/[A-Za-z0-9._:-]+\z")]
    private static partial Regex StepId();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9._-]*\z")]
    private static partial Regex FileName();
}
