using Recovery.Inventory;
using Recovery.Kubernetes.Discovery;

namespace Recovery.Tests.Kubernetes.Discovery;

/// <summary>Roles from the labels installers set (kubeadm, k3s, RKE, kubeasz), as kubectl's ROLES column reads them.</summary>
public sealed class NodeRoleLabelsTests
{
    [Theory]
    [InlineData("node-role.kubernetes.io/control-plane", "", "control-plane")]           // kubeadm 1.20+
    [InlineData("node-role.kubernetes.io/master", "", "control-plane")]                  // kubeadm before 1.24, the lab
    [InlineData("node-role.kubernetes.io/master", "true", "control-plane")]              // k3s
    [InlineData("node-role.kubernetes.io/controlplane", "true", "control-plane")]        // RKE
    [InlineData("node-role.kubernetes.io/etcd", "true", "etcd")]                         // k3s, RKE
    [InlineData("kubernetes.io/role", "master", "control-plane")]                        // kubeasz
    [InlineData("kubernetes.io/role", "node", "")]                                       // kubeasz worker
    [InlineData("node-role.kubernetes.io/worker", "true", "")]
    [InlineData("node-role.kubernetes.io/node", "", "")]
    [InlineData("kubernetes.io/hostname", "master", "")]
    [InlineData("example.com/node-role.kubernetes.io/master", "", "")]
    public void OneLabel(string key, string value, string expected)
    {
        var roles = NodeRoleLabels.Roles(new Dictionary<string, string> { [key] = value });

        Assert.Equal(expected, string.Join(",", roles.Select(Name).Order()));
    }

    [Fact]
    public void LabelsAddUp()
    {
        var roles = NodeRoleLabels.Roles(new Dictionary<string, string>
        {
            ["node-role.kubernetes.io/control-plane"] = "true",
            ["node-role.kubernetes.io/master"] = "true",
            ["node-role.kubernetes.io/etcd"] = "true",
            ["kubernetes.io/role"] = "master",
        });

        Assert.Equal([NodeRole.ControlPlane, NodeRole.Etcd], roles.Order());
    }

    private static string Name(NodeRole role) => role == NodeRole.ControlPlane ? "control-plane" : "etcd";
}
