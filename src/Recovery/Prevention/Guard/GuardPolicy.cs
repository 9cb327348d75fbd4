using System.Text;

namespace Recovery.Prevention.Guard;

/// <summary>
/// The YAML `kube-recover guard` prints: advice for the cluster's version as comments, then a
/// ValidatingAdmissionPolicy and its binding (admissionregistration.k8s.io/v1, GA in Kubernetes 1.30) that refuse
/// Services whose spec.externalIPs, spec.loadBalancerIP or status.loadBalancer.ingress[].ip is a guarded address.
/// The whole output can go to `kubectl apply -f -` on 1.30+.
/// </summary>
internal static class GuardPolicy
{
    public const string PolicyName = "kube-recover-no-node-addresses";

    /// <summary>Names of the policy's variables, in order (a variable may use the ones before it).</summary>
    public static readonly IReadOnlyList<(string Name, string Expression)> Variables =
    [
        ("specAddresses", "(has(object.spec.externalIPs) ? object.spec.externalIPs : []) + (has(object.spec.loadBalancerIP) && object.spec.loadBalancerIP != '' ? [object.spec.loadBalancerIP] : [])"),
        ("ingressAddresses", "has(object.status) && has(object.status.loadBalancer) && has(object.status.loadBalancer.ingress) ? object.status.loadBalancer.ingress.filter(i, has(i.ip)).map(i, i.ip) : []"),
        ("addresses", "variables.specAddresses + variables.ingressAddresses"),
    ];

    public static string GuardedExpression(string pattern) => $"variables.addresses.all(a, !a.matches('{pattern}'))";

    public static string MappedExpression => $"variables.addresses.all(a, !a.matches('{AddressPattern.MappedSpelling}'))";

    public static string Render(IReadOnlyList<GuardTarget> targets, (int Major, int Minor)? version, string versionSource)
    {
        var pattern = AddressPattern.Matching(targets);
        var guarded = string.Join(", ", targets.Select(t => $"{t.Text} ({t.Owner})"));
        var s = new StringBuilder();
        s.AppendLine("# kube-recover guard: keeps Services from claiming node or protected addresses (an IPVS kube-proxy binds every");
        s.AppendLine("# externalIP and LoadBalancer address to kube-ipvs0 on every node: a node's own address there locks the cluster out).");
        s.AppendLine($"# Guarded: {guarded}");
        foreach (var line in VersionAdvice.Lines(version, versionSource, targets)) s.AppendLine($"# {line}".TrimEnd());
        s.AppendLine("#");
        s.AppendLine("# The addresses are literal values in the expressions, not a params object (paramKind/paramRef): the policy is");
        s.AppendLine("# self-contained, with no ConfigMap to keep in sync, lose or get edited around it, and the API server compiles the");
        s.AppendLine("# constant patterns once. When nodes change, run `kube-recover guard` again and apply its output.");
        s.AppendLine("# The expressions use no ip()/cidr() (CEL IP library: Kubernetes 1.31+) so they work from 1.30: IPv4 parts match");
        s.AppendLine("# as decimal numbers with any leading zeros (010.0.0.211 is 10.0.0.211 to the API server and kube-proxy), IPv6");
        s.AppendLine("# in every spelling; IPv4 written as IPv6 (::ffff:a.b.c.d, ::ffff:a00:d3) is refused outright.");
        s.AppendLine("# services/status is matched too: load-balancer controllers (MetalLB, cloud) write status.loadBalancer.ingress");
        s.AppendLine("# through it, so a pool that hands out a node address is refused there instead of binding it on every node.");
        s.AppendLine("apiVersion: admissionregistration.k8s.io/v1");
        s.AppendLine("kind: ValidatingAdmissionPolicy");
        s.AppendLine("metadata:");
        s.AppendLine($"  name: {PolicyName}");
        s.AppendLine("spec:");
        s.AppendLine("  failurePolicy: Fail");
        s.AppendLine("  matchConstraints:");
        s.AppendLine("    resourceRules:");
        s.AppendLine("    - apiGroups: [\"\"]");
        s.AppendLine("      apiVersions: [\"v1\"]");
        s.AppendLine("      operations: [\"CREATE\", \"UPDATE\"]");
        s.AppendLine("      resources: [\"services\", \"services/status\"]");
        s.AppendLine("  variables:");
        foreach (var (name, expression) in Variables)
        {
            s.AppendLine($"  - name: {name}");
            s.AppendLine("    expression: >-");
            s.AppendLine($"      {expression}");
        }
        s.AppendLine("  validations:");
        s.AppendLine("  - expression: >-");
        s.AppendLine($"      {GuardedExpression(pattern)}");
        s.AppendLine($"    message: \"externalIPs, loadBalancerIP and load-balancer ingress must not be a node or protected address ({Quote(string.Join(", ", targets.Select(t => t.Text)))}): kube-proxy in IPVS mode would bind it on every node\"");
        s.AppendLine("    reason: Invalid");
        s.AppendLine("  - expression: >-");
        s.AppendLine($"      {MappedExpression}");
        s.AppendLine("    message: \"write IPv4 addresses as IPv4: IPv4-mapped or dotted-tail IPv6 spellings are refused (they would pass the address check)\"");
        s.AppendLine("    reason: Invalid");
        s.AppendLine("---");
        s.AppendLine("apiVersion: admissionregistration.k8s.io/v1");
        s.AppendLine("kind: ValidatingAdmissionPolicyBinding");
        s.AppendLine("metadata:");
        s.AppendLine($"  name: {PolicyName}");
        s.AppendLine("spec:");
        s.AppendLine($"  policyName: {PolicyName}");
        s.AppendLine("  validationActions: [\"Deny\"]");
        return s.ToString();
    }

    private static string Quote(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}
