using System.Net;
using Recovery.Access;
using Recovery.Inventory;
using Recovery.Kubernetes.Etcd;
using Recovery.Kubernetes.Storage;

namespace Recovery.Kubernetes.Discovery;

/// <summary>
/// The inventory of the cluster this node belongs to, read here (read-only; DESIGN.md "The command line"): the
/// Node objects from the local etcd (kube-apiserver's own flags, a serializable read, so a member the lockout cut
/// off still answers), else from the API through the node's kubeconfigs; the protected addresses from those
/// kubeconfigs' servers and kube-apiserver's --advertise-address. Every source tried and why it failed goes into
/// the <see cref="InventoryDiscoveryException"/> when none gives nodes.
/// </summary>
internal sealed class InventoryDiscovery(INodeShell local, IReadOnlyList<string> kubeconfigs, Func<string, string> readFile, DiscoveryLocations? where = null)
{
    private static readonly TimeSpan EtcdCallTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan KubectlTimeout = TimeSpan.FromSeconds(15);

    /// <summary>The node's kubeconfigs: /etc/kubernetes/*.conf (kubeadm's admin.conf, ...) and ~/.kube/config, those that exist.</summary>
    public static IReadOnlyList<string> Kubeconfigs(string home)
    {
        var etc = Directory.Exists("/etc/kubernetes") ? Directory.GetFiles("/etc/kubernetes", "*.conf").Order(StringComparer.Ordinal) : Enumerable.Empty<string>();
        return [.. etc, .. new[] { Path.Combine(home, ".kube", "config") }.Where(File.Exists)];
    }

    public async Task<DiscoveredInventory> DiscoverAsync(SshSettings ssh, string sshSource, CancellationToken cancellationToken)
    {
        var tried = new List<string>();
        var sources = new List<string>();
        EtcdSettings? apiServer = null;
        try
        {
            apiServer = await NodeEtcdDiscovery.DiscoverAsync(local, where ?? DiscoveryLocations.Default, cancellationToken).ConfigureAwait(false);
        }
        catch (DiscoveryException e)
        {
            tried.Add($"etcd: {e.Message}");
        }

        var found = (apiServer is null ? null : await FromEtcdAsync(apiServer, tried, sources, cancellationToken).ConfigureAwait(false))
            ?? await FromApiAsync(tried, sources, cancellationToken).ConfigureAwait(false)
            ?? throw new InventoryDiscoveryException(tried, Environment.MachineName);

        // Why an earlier source gave nothing belongs to where the nodes came from (a worker has no etcd of its own).
        sources.InsertRange(0, tried.Select(t => $"nodes: tried {t}"));
        foreach (var skipped in found.Skipped) sources.Add($"nodes: skipped {skipped}");
        var protect = Protected(apiServer, found, sources);
        sources.Add(sshSource);
        return new DiscoveredInventory(new ClusterInventory(null, ssh, protect, found.Nodes), sources);
    }

    private async Task<DiscoveredNodes?> FromEtcdAsync(EtcdSettings settings, List<string> tried, List<string> sources, CancellationToken cancellationToken)
    {
        var at = string.Join(", ", settings.Endpoints.Select(e => $"{e.Host}:{e.Port}"));
        var where = $"etcd {settings.Prefix}/minions/ at {at}";
        try
        {
            await using var session = await EtcdSession.OpenAsync(local, settings, EtcdCallTimeout, cancellationToken).ConfigureAwait(false);
            var read = await session.Store.ReadNodesAsync(cancellationToken).ConfigureAwait(false);
            var objects = read.Where(r => r.Node is not null).Select(r => r.Node!).ToList();
            if (objects.Count == 0)
            {
                tried.Add($"{where}: no Node objects{string.Concat(read.Select(r => $"; {r.Key}: {r.Problem}"))}");
                return null;
            }

            IReadOnlyList<EtcdMember> members = [];
            string etcdRoles;
            try
            {
                members = await session.Store.ListMembersAsync(cancellationToken).ConfigureAwait(false);
                var unmatched = DiscoveredNodes.UnmatchedMembers(members, objects).ToList();
                etcdRoles = $"etcd from etcd's member list ({members.Count} members"
                    + (unmatched.Count > 0 ? $"; {string.Join(", ", unmatched)} on no Node's address, not in the inventory)" : ")");
            }
            catch (EtcdStoreException e)
            {
                etcdRoles = $"etcd from labels only (member list: {e.Message})";
            }

            var found = DiscoveredNodes.From(objects, members);
            sources.Add($"nodes: {found.Nodes.Count} from {where} (serializable read; may be stale), kube-apiserver's flags from {settings.Source}");
            sources.Add($"roles: control-plane from the node-role.kubernetes.io/* and kubernetes.io/role labels; {etcdRoles}");
            foreach (var (key, _, problem) in read.Where(r => r.Node is null)) sources.Add($"nodes: skipped {key}: {problem}");
            return found;
        }
        catch (Exception e) when (e is EtcdStoreException or NodeFileException or IOException)
        {
            tried.Add($"{where}: {e.Message}");
            return null;
        }
    }

    private async Task<DiscoveredNodes?> FromApiAsync(List<string> tried, List<string> sources, CancellationToken cancellationToken)
    {
        if (kubeconfigs.Count == 0) tried.Add("API: no kubeconfig (/etc/kubernetes/*.conf, ~/.kube/config)");
        foreach (var kubeconfig in kubeconfigs)
        {
            var result = await local.RunAsync(
                ShellCommand.Of("kubectl", "--kubeconfig", kubeconfig, "--request-timeout=5s", "get", "nodes", "-o", "json"), KubectlTimeout, cancellationToken).ConfigureAwait(false);
            if (result.CouldNotRun)
            {
                tried.Add("API: kubectl is not installed here");
                return null;
            }
            if (!result.Succeeded)
            {
                tried.Add($"API through {kubeconfig}: {FirstLine(result.StdErr)}");
                continue;
            }
            try
            {
                var found = DiscoveredNodes.From(JsonObjectReader.NodeList(System.Text.Encoding.UTF8.GetBytes(result.StdOut)), []);
                if (found.Nodes.Count == 0)
                {
                    tried.Add($"API through {kubeconfig}: no usable Node");
                    continue;
                }
                sources.Add($"nodes: {found.Nodes.Count} from the API (kubectl get nodes, {kubeconfig})");
                sources.Add("roles: control-plane and etcd from the node-role.kubernetes.io/* and kubernetes.io/role labels (no etcd member list without etcd)");
                return found;
            }
            catch (StorageFormatException e)
            {
                tried.Add($"API through {kubeconfig}: {e.Message}");
            }
        }
        return null;
    }

    /// <summary>Kubeconfig servers and --advertise-address that are not a node's own address (those are protected as nodes).</summary>
    private List<IPAddress> Protected(EtcdSettings? apiServer, DiscoveredNodes found, List<string> sources)
    {
        var protect = new List<IPAddress>();
        var nodeAddresses = found.Nodes.Select(n => n.Address).ToList();
        void Add(IPAddress address, string from)
        {
            if (nodeAddresses.Contains(address))
            {
                sources.Add($"protect: {address} from {from} is {found.Nodes.First(n => n.Address.Equals(address)).Name}'s address (protected as a node)");
                return;
            }
            if (!protect.Contains(address)) protect.Add(address);
            sources.Add($"protect: {address} from {from}");
        }

        foreach (var address in found.OtherAddresses) Add(address, "a Node's status.addresses");
        foreach (var path in kubeconfigs)
        {
            string text;
            try
            {
                text = readFile(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                sources.Add($"protect: {path} not read ({e.Message})");
                continue;
            }
            var (addresses, notes) = KubeconfigServers.Read(text, path);
            foreach (var address in addresses) Add(address, $"{path} (server URL)");
            sources.AddRange(notes.Select(n => $"protect: {n}"));
        }
        if (apiServer?.AdvertiseAddress is { } advertise)
        {
            if (NodeRules.TryAddress(advertise, out var address, out var problem)) Add(Addresses.KubernetesAddress.Normalise(address), $"kube-apiserver --advertise-address ({apiServer.Source})");
            else sources.Add($"protect: kube-apiserver --advertise-address {problem}");
        }
        return protect;
    }

    private static string FirstLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "failed without a message";
}
