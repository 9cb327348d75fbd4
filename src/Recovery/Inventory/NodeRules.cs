using System.Diagnostics.CodeAnalysis;
using System.Net;
using Recovery.Addresses;
using Recovery.Kubernetes;
using Recovery.Logging;

namespace Recovery.Inventory;

/// <summary>
/// What every node entry must satisfy, whether it comes from the inventory YAML or from `--node`: each rule and its
/// message are written here once, so the two ways to name nodes cannot drift apart.
/// </summary>
internal static class NodeRules
{
    public const string RolesExpected = "expected control-plane, etcd or worker";

    /// <returns>null when <paramref name="name"/> is a valid node name, else the problem and what was expected.</returns>
    public static string? NameProblem(string name) =>
        NodeNames.IsValid(name) ? null : $"'{SafeText.Of(name)}' is not a valid node name; expected a DNS name (lowercase letters, digits, '-' and '.')";

    /// <summary>A node or protected address, read as Kubernetes reads it (<see cref="KubernetesAddress"/>).</summary>
    /// <param name="problem">the value, why it was refused and what was expected.</param>
    public static bool TryAddress(string text, [NotNullWhen(true)] out IPAddress? address, out string problem)
    {
        var ok = KubernetesAddress.TryParseHost(text, out address, out var why);
        problem = ok ? "" : $"'{SafeText.Of(text)}' {why}";
        return ok;
    }

    /// <summary>A role; worker is valid and adds no role (every node runs kube-proxy).</summary>
    /// <param name="problem">set when the role is unknown.</param>
    public static NodeRole? Role(string role, out string? problem)
    {
        problem = null;
        switch (role)
        {
            case "control-plane" or "master": return NodeRole.ControlPlane;
            case "etcd": return NodeRole.Etcd;
            case "worker": return null;
            default:
                problem = $"unknown role '{SafeText.Of(role)}'; {RolesExpected}";
                return null;
        }
    }

    /// <summary>Names and addresses used by more than one node: one message each, naming the nodes.</summary>
    public static IEnumerable<string> Duplicates(IReadOnlyList<Node> nodes)
    {
        foreach (var group in nodes.GroupBy(x => x.Name).Where(g => g.Count() > 1))
            yield return $"node name '{group.Key}' appears {group.Count()} times; expected unique names";
        foreach (var group in nodes.GroupBy(x => x.Address).Where(g => g.Count() > 1))
            yield return $"address {group.Key} is used by {string.Join(", ", group.Select(x => x.Name))}; expected one address per node";
    }
}
