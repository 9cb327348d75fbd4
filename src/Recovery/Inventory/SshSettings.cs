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
    System.Net.IPAddress? SpareAddress = null);
