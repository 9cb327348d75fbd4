using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Recovery.Inventory;

/// <summary>
/// Writes an inventory in the format <see cref="InventoryLoader"/> reads (DESIGN.md), one node per line, so what
/// `kube-recover inventory` prints can be reviewed, edited and passed back with -i unchanged. Command-line only
/// settings (--accept-new-host-keys, --spare-address) are not inventory fields and are left out.
/// </summary>
internal static partial class InventoryYaml
{
    public static string Write(ClusterInventory inventory, IEnumerable<string> comments)
    {
        var yaml = new StringBuilder();
        foreach (var comment in comments) yaml.Append("# ").Append(comment.ReplaceLineEndings(" ")).Append('\n');
        if (inventory.Cluster is { } cluster) yaml.Append("cluster: ").Append(Scalar(cluster)).Append('\n');
        yaml.Append("ssh: { ").Append(string.Join(", ", Ssh(inventory.Ssh))).Append(" }\n");
        if (inventory.Protect.Count > 0) yaml.Append("protect: [").Append(string.Join(", ", inventory.Protect)).Append("]\n");
        yaml.Append("nodes:\n");
        foreach (var node in inventory.Nodes)
        {
            yaml.Append("  - { name: ").Append(node.Name).Append(", address: ").Append(node.Address);
            if (node.Roles.Count > 0) yaml.Append(", roles: [").Append(string.Join(", ", Roles(node.Roles))).Append(']');
            if (node.KubeProxy is { } proxy) yaml.Append(", kubeProxy: ").Append(KubeProxy(proxy));
            yaml.Append(" }\n");
        }
        return yaml.ToString();
    }

    private static IEnumerable<string> Ssh(SshSettings ssh)
    {
        yield return $"user: {Scalar(ssh.User)}";
        yield return $"port: {ssh.Port.ToString(CultureInfo.InvariantCulture)}";
        if (ssh.IdentityFile is { } identity) yield return $"identityFile: {Scalar(identity)}";
        if (ssh.KnownHostsFile is { } knownHosts) yield return $"knownHosts: {Scalar(knownHosts)}";
        if (ssh.PasswordEnv is { } password) yield return $"passwordEnv: {password}";
        if (ssh.PassphraseEnv is { } passphrase) yield return $"passphraseEnv: {passphrase}";
        if (ssh.Sudo) yield return "sudo: true";
        if (ssh.ConnectTimeout is { } timeout) yield return $"connectTimeoutSeconds: {((int)timeout.TotalSeconds).ToString(CultureInfo.InvariantCulture)}";
    }

    private static IEnumerable<string> Roles(IReadOnlySet<NodeRole> roles)
    {
        if (roles.Contains(NodeRole.ControlPlane)) yield return "control-plane";
        if (roles.Contains(NodeRole.Etcd)) yield return "etcd";
    }

    private static string KubeProxy(KubeProxySpec proxy)
    {
        var fields = new List<string> { $"manager: {KubeProxyManagerNames.Of(proxy.Manager)}" };
        if (proxy.Stop is { } stop) fields.Add($"stop: [{string.Join(", ", stop.Select(Scalar))}]");
        if (proxy.Start is { } start) fields.Add($"start: [{string.Join(", ", start.Select(Scalar))}]");
        return "{ " + string.Join(", ", fields) + " }";
    }

    /// <summary>Plain when it cannot be misread as YAML, else double-quoted with YAML's escapes.</summary>
    private static string Scalar(string value) =>
        Plain().IsMatch(value) ? value : "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    [GeneratedRegex(@"^[A-Za-z0-9_/][A-Za-z0-9_./@+-]*\z")]
    private static partial Regex Plain();
}
