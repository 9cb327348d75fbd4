using Recovery.Inventory;

namespace Recovery.Access;

/// <summary>
/// Opens a shell on every node: the local node through <see cref="LocalShell"/>, the others over SSH, in parallel.
/// Known hosts, this machine's own host keys and the credentials are loaded once. A node that fails to connect is
/// a result with its error; it never hides the other nodes.
/// </summary>
internal sealed class NodeConnector
{
    /// <summary>Where this machine's sshd keeps its public host keys (to recognise its own key offered at another node's address).</summary>
    public const string DefaultLocalHostKeys = "/etc/ssh";

    private readonly ClusterInventory _inventory;
    private readonly SshSettings _ssh;
    private readonly string? _localNodeName;
    private readonly ISecretSource _secrets;
    private readonly Lazy<SshCredentials> _credentials;
    private readonly Lazy<HostKeyPolicy> _hostKeys;

    /// <param name="localNodeName">The node this machine is (found by the Facts layer's LocalNodeFinder), or null on a machine outside the cluster.</param>
    /// <param name="localHostKeyDirectory">Folder holding ssh_host_*_key.pub of this machine.</param>
    public NodeConnector(
        ClusterInventory inventory,
        SshSettings ssh,
        string? localNodeName,
        ISecretSource secrets,
        string localHostKeyDirectory = DefaultLocalHostKeys)
    {
        if (localNodeName is not null && inventory.FindByName(localNodeName) is null)
        {
            throw new ArgumentException($"local node {localNodeName} is not in the inventory", nameof(localNodeName));
        }
        _inventory = inventory;
        _ssh = ssh;
        _localNodeName = localNodeName;
        _secrets = secrets;
        _credentials = new Lazy<SshCredentials>(() => SshCredentials.Load(_ssh, _secrets));
        _hostKeys = new Lazy<HostKeyPolicy>(() =>
        {
            var policy = new HostKeyPolicy(KnownHosts.Load(KnownHostsPath(_ssh)), _inventory, ReadLocalHostKeys(localHostKeyDirectory), _localNodeName, _ssh.AcceptNewHostKeys);
            policy.KeyAccepted += message => KeyAccepted?.Invoke(message);
            return policy;
        });
    }

    /// <summary>Raised with a printable line for every host key accepted and written under accept-new.</summary>
    public event Action<string>? KeyAccepted;

    /// <summary>The known_hosts in use (loaded on first use), e.g. to report its malformed lines.</summary>
    public KnownHosts KnownHosts => _hostKeys.Value.KnownHosts;

    public static string KnownHostsPath(SshSettings ssh) => ssh.KnownHostsFile is { } file
        ? HomePath.Expand(file)
        : Path.Combine(HomePath.Directory, ".ssh", "known_hosts");

    /// <summary>Connects to every inventory node, at most <paramref name="parallel"/> at a time, local node first in the list.</summary>
    public Task<IReadOnlyList<NodeResult<INodeShell>>> ConnectAllAsync(int parallel = Fanout.DefaultParallel, CancellationToken cancellationToken = default)
    {
        var ordered = _inventory.Nodes.OrderBy(n => n.Name == _localNodeName ? 0 : 1).ToList();
        return Fanout.RunAsync(ordered, ConnectAsync, parallel, cancellationToken);
    }

    /// <exception cref="HostKeyRejectedException">See <see cref="SshShell.ConnectAsync"/>.</exception>
    /// <exception cref="NodeConnectException">See <see cref="SshShell.ConnectAsync"/>.</exception>
    /// <exception cref="SudoRefusedException">See <see cref="SshShell.ConnectAsync"/>.</exception>
    /// <exception cref="SshCredentialException">The key or password cannot be loaded.</exception>
    public async Task<INodeShell> ConnectAsync(Node node, CancellationToken cancellationToken = default)
    {
        if (node.Name == _localNodeName) return new LocalShell(node);
        return await SshShell.ConnectAsync(node, _ssh, _credentials.Value, _hostKeys.Value, cancellationToken).ConfigureAwait(false);
    }

    private static IReadOnlyList<HostKey> ReadLocalHostKeys(string directory)
    {
        if (!Directory.Exists(directory)) return [];
        var keys = new List<HostKey>();
        foreach (var file in Directory.EnumerateFiles(directory, "ssh_host_*_key.pub"))
        {
            try
            {
                keys.Add(HostKey.ReadPublicKeyFile(file));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
            {
                // An unreadable key of our own only weakens the hijack hint; known_hosts still decides trust.
            }
        }
        return keys;
    }
}
