using Recovery.Inventory;

namespace Recovery.Kubernetes.Discovery;

/// <summary>
/// A Node's roles from its labels, as the installers set them: <c>node-role.kubernetes.io/ROLE</c> (kubeadm's
/// control-plane, older master; k3s and RKE's etcd; RKE's controlplane; the value does not matter, kubectl shows the
/// key) and kubeasz's <c>kubernetes.io/role=master</c>. Other roles (node, worker, ...) give nothing.
/// </summary>
internal static class NodeRoleLabels
{
    private const string RolePrefix = "node-role.kubernetes.io/";
    private const string KubeaszRole = "kubernetes.io/role";

    public static IReadOnlySet<NodeRole> Roles(IReadOnlyDictionary<string, string> labels)
    {
        var roles = new HashSet<NodeRole>();
        foreach (var (key, value) in labels)
        {
            var role = key.StartsWith(RolePrefix, StringComparison.Ordinal) ? key[RolePrefix.Length..]
                : key == KubeaszRole ? value
                : null;
            switch (role)
            {
                case "control-plane" or "master" or "controlplane":
                    roles.Add(NodeRole.ControlPlane);
                    break;
                case "etcd":
                    roles.Add(NodeRole.Etcd);
                    break;
            }
        }
        return roles;
    }
}
