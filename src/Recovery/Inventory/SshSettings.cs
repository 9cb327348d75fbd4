namespace Recovery.Inventory;

/// <summary>
/// How to reach the other nodes. Secrets are never held here: only the name of the variable that has them.
/// <paramref name="SpareAddress"/>: a free address of this node's segment to reach nodes cut off by the hijack from
/// (--spare-address), where IPv6 link-local is not a way.
/// </summary>
internal sealed record SshSettings(
    string User = "root",
    int Port = 22,
    string? IdentityFile = null,
    string? KnownHostsFile = null,
    string? PasswordEnv = null,
    string? PassphraseEnv = null,
    bool Sudo = false,
    bool AcceptNewHostKeys = false,
    TimeSpan? ConnectTimeout = null,
    System.Net.IPAddress? SpareAddress = null)
{
    /// <summary>
    /// The settings the operator gave (command line or inventory file), each with where (`--user`, `inventory.yaml:3`):
    /// those win over ~/.ssh/config (<see cref="SshConfig.NodeSshResolver"/>); the others are defaults it may replace.
    /// </summary>
    public IReadOnlyDictionary<SshField, string> Given { get; init; } = new Dictionary<SshField, string>();

    public SshSettings GivenBy(SshField field, string origin) => this with { Given = new Dictionary<SshField, string>(Given) { [field] = origin } };
}

/// <summary>The settings ~/.ssh/config can also give.</summary>
internal enum SshField
{
    User,
    Port,
    IdentityFile,
    KnownHosts,
    AcceptNewHostKeys,
}
