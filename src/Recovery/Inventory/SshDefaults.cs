namespace Recovery.Inventory;

/// <summary>
/// SSH settings where no inventory names them (a discovered inventory): $USER (else root), OpenSSH's default keys
/// that exist and ~/.ssh/known_hosts, as `ssh NODE` would use them. Per-node settings (~/.ssh/config) go on top.
/// </summary>
internal static class SshDefaults
{
    /// <summary>OpenSSH's default identities that kube-recover can use, in the order ssh tries them.</summary>
    public static IReadOnlyList<string> KeyNames { get; } = ["id_ed25519", "id_ecdsa", "id_rsa"];

    /// <summary>No identity file is set: <c>SshCredentials</c> then loads every default key that exists.</summary>
    public static SshSettings ForThisUser(string? user, string home) =>
        new(User: user is { } u && SshUserName.IsValid(u) ? u : "root", KnownHostsFile: Path.Combine(home, ".ssh", "known_hosts"));

    public static IReadOnlyList<string> ExistingKeys(string home, Func<string, bool> exists) =>
        KeyNames.Select(n => Path.Combine(home, ".ssh", n)).Where(exists).ToList();

    /// <summary>Where the settings came from, one line for the log.</summary>
    public static string Describe(SshSettings ssh, string? user, string home, Func<string, bool> exists)
    {
        var keys = ExistingKeys(home, exists);
        return $"ssh: user {ssh.User} ({(ssh.User == user ? "$USER" : "default")}), "
            + (keys.Count > 0 ? $"keys {string.Join(", ", keys)} (the default keys that exist)" : $"no default key ({string.Join(", ", KeyNames.Select(n => "~/.ssh/" + n))} absent)")
            + $", known_hosts {ssh.KnownHostsFile} (default)";
    }
}
