using System.Net;
using Recovery.Inventory;
using Recovery.Kubernetes.Discovery;

namespace Recovery.Tests.Kubernetes.Discovery;

/// <summary>
/// Discovery on a control-plane node: kubeadm's real kube-apiserver manifest pointed at a real etcd 3.4 holding the
/// Node objects, a kubeconfig naming a VIP; and a node where nothing can be found.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class InventoryDiscoveryTests(EtcdFixture etcd) : IClassFixture<EtcdFixture>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kr-inventory-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private DiscoveryLocations Locations => new($"^kr-no-such-process-{Guid.NewGuid():N}( |$)", [Path.Combine(_dir, "kube-apiserver.yaml")], []);

    private static readonly SshSettings Ssh = new(KnownHostsFile: "/root/.ssh/known_hosts");

    [Fact]
    public async Task NodesRolesAndProtectedAddressesComeFromEtcdAndTheKubeconfigs()
    {
        File.WriteAllText(Path.Combine(_dir, "kube-apiserver.yaml"), etcd.KubeadmManifest());
        etcd.Put("/registry/minions/master1", K8sObjects.Node("master1", new Dictionary<string, string> { ["node-role.kubernetes.io/control-plane"] = "" },
            ("InternalIP", "10.1.125.3"), ("InternalIP", "fd00::3")));
        etcd.Put("/registry/minions/worker1", K8sObjects.Node("worker1", new Dictionary<string, string>(), ("InternalIP", "10.1.125.21")));
        etcd.Put("/registry/minions/broken", [0x6b, 0x38, 0x73, 0x00, 0x0a]);
        var kubeconfig = Path.Combine(_dir, "admin.conf");
        File.WriteAllText(kubeconfig, "apiVersion: v1\nkind: Config\nclusters:\n- cluster: { server: 'https://10.1.125.100:6443' }\n  name: vip\n");

        var found = await new InventoryDiscovery(new LocalTestShell("vm"), [kubeconfig], File.ReadAllText, Locations).DiscoverAsync(Ssh, "ssh: defaults", CancellationToken.None);

        var inventory = found.Inventory;
        Assert.Equal(["master1", "worker1"], inventory.Nodes.Select(n => n.Name));
        Assert.Equal(IPAddress.Parse("10.1.125.3"), inventory.Nodes[0].Address);
        Assert.Equal([NodeRole.ControlPlane], inventory.Nodes[0].Roles);
        Assert.Empty(inventory.Nodes[1].Roles);
        // fd00::3 is master1's own; the VIP from the kubeconfig; the advertise address (10.1.125.3) is master1's already.
        Assert.Equal(new[] { "fd00::3", "10.1.125.100" }.Select(IPAddress.Parse), inventory.Protect);
        Assert.Same(Ssh, inventory.Ssh);
        Assert.StartsWith($"nodes: 2 from etcd /registry/minions/ at 127.0.0.1:{etcd.Endpoint.Port} (serializable read; may be stale)", found.Sources[0]);
        Assert.Contains(found.Sources, s => s.Contains("kr-test on no Node's address", StringComparison.Ordinal));
        Assert.Contains(found.Sources, s => s.StartsWith("nodes: skipped /registry/minions/broken:", StringComparison.Ordinal));
        Assert.Contains($"protect: 10.1.125.100 from {kubeconfig} (server URL)", found.Sources);
        Assert.Contains(found.Sources, s => s.StartsWith("protect: 10.1.125.3 from kube-apiserver --advertise-address", StringComparison.Ordinal) && s.EndsWith("is master1's address (protected as a node)", StringComparison.Ordinal));
        Assert.Equal("ssh: defaults", found.Sources[^1]);
    }

    [Fact]
    public async Task NothingHereSaysWhatWasTriedAndShowsTheInventoryToWrite()
    {
        var e = await Assert.ThrowsAsync<InventoryDiscoveryException>(() =>
            new InventoryDiscovery(new LocalTestShell("vm"), [], File.ReadAllText, Locations).DiscoverAsync(Ssh, "ssh: defaults", CancellationToken.None));

        Assert.Equal(2, e.Tried.Count);
        Assert.StartsWith("etcd: vm: kube-apiserver's etcd flags not found (no running kube-apiserver process;", e.Tried[0]);
        Assert.Equal("API: no kubeconfig (/etc/kubernetes/*.conf, ~/.kube/config)", e.Tried[1]);
        var lines = e.Message.Split('\n');
        Assert.Equal("no inventory given (-i FILE or --node), and none could be discovered on this node:", lines[0]);
        Assert.Equal("  - " + e.Tried[0], lines[1]);
        Assert.Equal("  - " + e.Tried[1], lines[2]);
        Assert.Equal("    nodes:", lines[4]);
        Assert.Equal("      - { name: vm, address: 10.0.0.211, roles: [control-plane, etcd] }", lines[5]);
        Assert.Equal("or name each node on the command line: --node vm=10.0.0.211,control-plane,etcd", lines[6]);
        // The two lines shown are an inventory kube-recover accepts as it is.
        var inventory = new InventoryLoader(_ => true, "/root").Parse(string.Join('\n', lines[4..6]), "shown");
        Assert.Equal("vm", inventory.Nodes.Single().Name);
    }

    [Fact]
    public async Task AnUnreachableApiIsNamedWithItsKubeconfig()
    {
        var kubeconfig = Path.Combine(_dir, "admin.conf");
        File.WriteAllText(kubeconfig, "apiVersion: v1\nkind: Config\nclusters:\n- cluster: { server: 'https://127.0.0.1:1' }\n  name: c\ncontexts:\n- context: { cluster: c, user: u }\n  name: c\ncurrent-context: c\nusers:\n- name: u\n  user: { token: x }\n");

        var e = await Assert.ThrowsAsync<InventoryDiscoveryException>(() =>
            new InventoryDiscovery(new LocalTestShell("vm"), [kubeconfig], File.ReadAllText, Locations).DiscoverAsync(Ssh, "ssh: defaults", CancellationToken.None));

        Assert.Matches($"^API (through {System.Text.RegularExpressions.Regex.Escape(kubeconfig)}: .+|: kubectl is not installed here)$", e.Tried[1]);
    }
}
