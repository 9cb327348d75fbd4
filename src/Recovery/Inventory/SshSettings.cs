namespace Recovery.Inventory;

/// <summary>How to reach the other nodes. Secrets are never held here: only the name of the variable that has them.</summary>
internal sealed record SshSettings(
    string User = "root",
    int Port = 22,
    string? IdentityFile = null,
    string? KnownHostsFile = null,
    string? PasswordEnv = null,
    string? PassphraseEnv = null,
    bool Sudo = false,
    bool AcceptNewHostKeys = false,
    TimeSpan? ConnectTimeout = null);
