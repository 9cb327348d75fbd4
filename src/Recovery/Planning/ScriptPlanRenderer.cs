using System.Text;
using Recovery.Access;
using Recovery.Addresses;
using Recovery.Facts;
using Recovery.Inventory;
using Recovery.Kubernetes;

namespace Recovery.Planning;

/// <summary>
/// `plan --format script`: one bash script per node with that node's steps of the plan, same order, same checks
/// (a check that holds skips the step; a verify that does not hold in time stops the script), for a console from
/// which the tool cannot reach the other nodes. The order across nodes cannot be enforced by one script: each
/// script pauses after each phase, and the comments say what must be done on the other nodes before going on.
/// </summary>
internal static class ScriptPlanRenderer
{
    /// <summary>Node name to script, in the plan's node order (local node first).</summary>
    public static IReadOnlyList<(string Node, string Script)> RenderScripts(Plan plan, ClusterInventory inventory)
    {
        var nodes = plan.Steps.Select(s => s.Node).Distinct().ToList();
        return nodes.Select(n => (n, RenderNode(plan, inventory, n))).ToList();
    }

    /// <summary>
    /// Every node's script one after the other, for stdout, local node first, separated by marker lines. Each script
    /// refuses to run on another node, so running the whole file runs the first (local) part and stops at the next.
    /// </summary>
    public static string Render(Plan plan, ClusterInventory inventory)
    {
        if (plan.IsEmpty) return "#!/usr/bin/env bash\n# kube-recover: nothing to do.\n" + string.Concat(plan.Notes.Select(n => $"# {OneLine(n)}\n"));
        return string.Join("\n", RenderScripts(plan, inventory).Select(s => $"{s.Script}# ===== end of the script for node {s.Node} =====\n"));
    }

    public static string RenderNode(Plan plan, ClusterInventory inventory, string node)
    {
        var address = (inventory.FindByName(node) ?? throw new ArgumentException($"node '{node}' is not in the inventory", nameof(node))).Address;
        var o = new StringBuilder();
        o.Append("#!/usr/bin/env bash\n");
        o.Append($"# ===== kube-recover script for node {node} ({address}) =====\n");
        o.Append($"# Run it at {node}'s console, as root.\n");
        o.Append($"# Plan created {plan.Created:yyyy-MM-dd HH:mm:ss}Z; addresses {string.Join(", ", plan.Intent.Addresses)}; facts {plan.FactsFingerprint[..16]}.\n");
        o.Append("# Each step checks first and skips what is already done, so running it again is safe.\n");
        o.Append("# The order ACROSS nodes matters: finish each phase on EVERY node (its own script) before the next phase\n");
        o.Append("# anywhere. The script pauses after each phase; set KUBE_RECOVER_NO_PAUSE=1 to run straight through.\n");
        foreach (var w in plan.Warnings) o.Append($"# WARNING: {OneLine(w)}\n");
        o.Append("set -euo pipefail\n");
        // kube-ipvs0 may hold every node's address (that is the incident): only a real interface proves identity.
        o.Append($"if [ -z \"${{KUBE_RECOVER_FORCE:-}}\" ] && ! ip -o addr show to {HostPrefix.Of(address)} | awk '$2 != \"{NodeFacts.IpvsInterface}\" {{found = 1}} END {{exit !found}}'; then\n");
        o.Append($"  echo {ShellQuoting.Quote($"this script is for {node} ({address}), which is not this machine (set KUBE_RECOVER_FORCE=1 if it is)")} >&2; exit 1\n");
        o.Append("fi\n");
        o.Append("STATE_DIR=\"${KUBE_RECOVER_STATE_DIR:-/var/lib/kube-recover/state}\"\n");
        o.Append("mkdir -p \"$STATE_DIR\"\n");
        o.Append("step() { printf '\\n== %s\\n   %s\\n' \"$1\" \"$2\"; }\n");
        o.Append("phase_done() {\n");
        o.Append("  printf '\\n-- phase %s done on this node. %s\\n' \"$1\" \"$2\"\n");
        o.Append("  if [ -z \"${KUBE_RECOVER_NO_PAUSE:-}\" ]; then read -r -p 'Press Enter to go on (Ctrl-C to stop): ' _; fi\n");
        o.Append("}\n");
        var number = 0;
        // Fix-first is a head start the runner may skip when it gets no answer; a script stops at the first failure, so
        // it keeps the order the runbook proves: the fix after the unbind (FixObject), checked and idempotent.
        foreach (var phase in plan.Phases)
        {
            if (phase.Kind == PhaseKind.FixFirst)
            {
                number += phase.Steps.Count; // the plan's step numbers stay the script's
                continue;
            }
            var steps = new List<(int Number, Step Step)>();
            foreach (var s in phase.Steps)
            {
                number++;
                if (s.Node == node) steps.Add((number, s));
            }
            if (steps.Count == 0) continue;
            o.Append($"\n# ---- Phase {phase.Kind}: {OneLine(phase.Title)}\n");
            var others = phase.Steps.Select(s => s.Node).Distinct().Where(n => n != node).ToList();
            if (phase.FirstNode is { } first && first != node) o.Append($"# Before this phase: finish it on {first} first.\n");
            if (phase.Kind == PhaseKind.Unbind) o.Append("# Before this phase: kube-proxy must be stopped (phase Contain) on EVERY node.\n");
            if (phase.Kind == PhaseKind.UnbindAfterFix) o.Append("# Only after the Service fix (phase FixObject) succeeded: kube-proxy here runs inside k3s with an API server (never stop it) and binds the address again while a Service claims it.\n");
            if (phase.Kind == PhaseKind.Restore) o.Append("# Only after the Service fix (phase FixObject) succeeded: a started kube-proxy binds the address again otherwise.\n");
            foreach (var (n, step) in steps) RenderStep(o, n, step);
            var next = phase.FirstNode == node && others.Count > 0
                ? $"Now run phase {phase.Kind} on: {string.Join(", ", others)}."
                : others.Count > 0 ? $"Also needed on: {string.Join(", ", others)}." : "";
            o.Append($"phase_done {phase.Kind} {ShellQuoting.Quote(next)}\n");
        }
        o.Append("\necho 'kube-recover: all steps of this node done.'\n");
        return o.ToString();
    }

    private static void RenderStep(StringBuilder o, int number, Step step)
    {
        o.Append($"\n# [{number}] {step.Id}\n");
        o.Append($"step {ShellQuoting.Quote(step.Id)} {ShellQuoting.Quote(OneLine(step.What))}\n");
        var indent = "";
        if (step.Guard is { } guard)
        {
            o.Append($"if {ProbeScript.Condition(guard)}; then\n");
            indent = "  ";
        }
        var body = indent;
        if (step.Check is { } check)
        {
            o.Append($"{indent}if {ProbeScript.Condition(check)}; then\n{indent}  echo '   already done'\n{indent}else\n");
            body = indent + "  ";
        }
        foreach (var line in ActLines(step)) o.Append(body).Append(line).Append('\n');
        if (step.Verify is { } v)
        {
            // Wall-clock budget, like the runner: a slow probe (a 5 s connect timeout) must not stretch it.
            var failed = ShellQuoting.Quote($"FAILED: {step.Id}: did not hold within {v.Budget.TotalSeconds:0} s");
            if (v.Settle > TimeSpan.Zero) o.Append($"{body}sleep {v.Settle.TotalSeconds:0.###}\n");
            o.Append($"{body}deadline=$((SECONDS + {Math.Max(1, (int)Math.Ceiling(v.Budget.TotalSeconds))}))\n");
            o.Append($"{body}until {ProbeScript.Condition(v.Probe)}; do\n");
            o.Append($"{body}  if [ \"$SECONDS\" -ge \"$deadline\" ]; then echo {failed} >&2; exit 1; fi\n");
            o.Append($"{body}  sleep {v.Interval.TotalSeconds:0.###}\n");
            o.Append($"{body}done\n");
        }
        if (step.Check is not null) o.Append($"{indent}fi\n");
        if (step.Guard is not null) o.Append("else\n  echo '   does not apply here'\nfi\n");
    }

    private static IEnumerable<string> ActLines(Step step) => step.Action switch
    {
        RunCommands run => run.Commands.Select(c => c.Render()),
        Wait wait => [$"sleep {wait.Duration.TotalSeconds:0}"],
        SaveOutput save => [$"{save.Command.Render()} > \"$STATE_DIR\"/{ShellQuoting.Quote(save.File)}"],
        KubectlFix fix => KubectlLines(fix, fix.Candidates.FirstOrDefault(c => c.Node == step.Node)),
        ClaimsCheck check => ClaimsLines(step.Id, check),
        EtcdFix fix => [
            $"echo {ShellQuoting.Quote($"Fix {fix.Service?.ToString() ?? "the Services claiming the addresses"} in etcd: kube-recover recover --via etcd (etcdctl by hand: see the runbook)")} >&2",
            "exit 1",
        ],
        _ => [],
    };

    /// <summary>
    /// The Service fix in bash: list (namespace, name, externalIPs | LB addresses), and for each Service claiming one
    /// of the addresses save its YAML, then delete it or patch its externalIPs.
    /// </summary>
    private static IEnumerable<string> KubectlLines(KubectlFix fix, KubectlCandidate? on)
    {
        var kubectl = new List<string> { on?.Program ?? KubectlProgram.OnPath };
        if (on?.Kubeconfig is { } kubeconfig) kubectl.AddRange(["--kubeconfig", kubeconfig]);
        kubectl.Add($"--request-timeout={(int)fix.RequestTimeout.TotalSeconds}s");
        yield return $"kubectl_=({string.Join(' ', kubectl.Select(ShellQuoting.Quote))})";
        // The fields of the one claim rule: externalIPs (strippable) | the load-balancer fields (not).
        var fields = $"{{.metadata.namespace}} {{.metadata.name}} {ServiceClaimRule.JsonPathOf(ClaimField.ExternalIPs)} | "
            + $"{ServiceClaimRule.JsonPathOf(ClaimField.LoadBalancerIngress)} {ServiceClaimRule.JsonPathOf(ClaimField.LoadBalancerIP)}";
        var get = fix.Service is null
            ? ShellCommand.Of("get", "services", "--all-namespaces", "-o", $"jsonpath={{range .items[*]}}{fields}{{\"\\n\"}}{{end}}")
            : ShellCommand.Of("get", "service", "-n", fix.Service.Namespace, fix.Service.Name, "-o", $"jsonpath={fields}{{\"\\n\"}}");
        var addresses = string.Join(' ', fix.Addresses);
        yield return $"addresses_={ShellQuoting.Quote(addresses)}";
        yield return $"if ! list_=$(\"${{kubectl_[@]}}\" {get.Render()} 2>&1); then";
        yield return "  case \"$list_\" in *NotFound*) list_='' ;; *) echo \"$list_\" >&2; exit 1 ;; esac";
        yield return "fi";
        yield return "while read -r ns_ name_ rest_; do";
        yield return "  [ -n \"$ns_\" ] || continue";
        yield return "  ext_=\" ${rest_%%|*} \"; lb_=\" ${rest_#*|} \"; hit_=''; lbhit_=''";
        yield return "  for a_ in $addresses_; do";
        yield return "    case \"$ext_\" in *\" $a_ \"*) hit_=1 ;; esac";
        yield return "    case \"$lb_\" in *\" $a_ \"*) hit_=1; lbhit_=1 ;; esac";
        yield return "  done";
        yield return "  [ -n \"$hit_\" ] || continue";
        yield return "  \"${kubectl_[@]}\" get service -n \"$ns_\" \"$name_\" -o yaml > \"$STATE_DIR/service.$ns_.$name_.yaml\"";
        if (fix.Action == FixAction.Delete)
        {
            yield return "  \"${kubectl_[@]}\" delete service -n \"$ns_\" \"$name_\"";
        }
        else
        {
            yield return "  if [ -n \"$lbhit_\" ]; then echo \"$ns_/$name_ has the address as its load-balancer address: strip cannot remove it; delete the Service or fix the LB pool\" >&2; exit 1; fi";
            yield return "  test_=''; keep_=''";
            yield return "  for ip_ in ${rest_%%|*}; do";
            yield return "    test_=\"$test_${test_:+,}\\\"$ip_\\\"\"";
            yield return "    case \" $addresses_ \" in *\" $ip_ \"*) ;; *) keep_=\"$keep_${keep_:+,}\\\"$ip_\\\"\" ;; esac";
            yield return "  done";
            yield return "  if [ -z \"$keep_\" ]; then change_='{\"op\":\"remove\",\"path\":\"/spec/externalIPs\"}'; else change_=\"{\\\"op\\\":\\\"replace\\\",\\\"path\\\":\\\"/spec/externalIPs\\\",\\\"value\\\":[$keep_]}\"; fi";
            yield return "  \"${kubectl_[@]}\" patch service -n \"$ns_\" \"$name_\" --type=json -p \"[{\\\"op\\\":\\\"test\\\",\\\"path\\\":\\\"/spec/externalIPs\\\",\\\"value\\\":[$test_]},$change_]\"";
        }
        yield return "done <<< \"$list_\"";
    }

    /// <summary>
    /// The claims check in bash: the list read until it answers without the addresses. Textual, so stricter than the
    /// claim rule: any "A" in the list (an annotation too) counts as a claim. No etcd fallback by hand.
    /// </summary>
    private static IEnumerable<string> ClaimsLines(string stepId, ClaimsCheck check)
    {
        var failed = ShellQuoting.Quote($"FAILED: {stepId}: a Service still claims {string.Join(", ", check.Addresses)}, or no API answered, within {check.Budget.TotalSeconds:0} s");
        var claimed = string.Join(' ', check.Addresses.Select(a => $"-e {ShellQuoting.Quote($"\"{a}\"")}"));
        if (check.Settle > TimeSpan.Zero) yield return $"sleep {check.Settle.TotalSeconds:0.###}";
        yield return $"deadline=$((SECONDS + {Math.Max(1, (int)Math.Ceiling(check.Budget.TotalSeconds))}))";
        yield return $"until {{ out=$({check.List.Render()} 2>/dev/null) && ! printf '%s' \"$out\" | grep -qF {claimed}; }}; do";
        yield return $"  if [ \"$SECONDS\" -ge \"$deadline\" ]; then echo {failed} >&2; exit 1; fi";
        yield return "  sleep 1";
        yield return "done";
    }

    private static string OneLine(string text) => string.Concat(text.Select(c => char.IsControl(c) ? ' ' : c));
}
