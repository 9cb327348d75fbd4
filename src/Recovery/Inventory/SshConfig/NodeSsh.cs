namespace Recovery.Inventory.SshConfig;

/// <summary>
/// How one host is reached, every setting resolved (<see cref="NodeSshResolver"/>). <see cref="IdentityFiles"/>: keys
/// from ~/.ssh/config, tried in order, used when <see cref="SshSettings.IdentityFile"/> is null (none given: the default
/// keys otherwise). <see cref="Jumps"/>: the ProxyJump chain, first hop first. <see cref="Origins"/>: one printable line
/// per setting saying where it came from; <see cref="Warnings"/>: what was read but changed or not used. Never a secret.
/// </summary>
internal sealed record NodeSsh(
    SshSettings Settings,
    IReadOnlyList<string> IdentityFiles,
    IReadOnlyList<JumpHost> Jumps,
    IReadOnlyList<string> Origins,
    IReadOnlyList<string> Warnings);

/// <summary>A ProxyJump hop: the name it was given as, the host connected to (HostName, else that name), and how.</summary>
internal sealed record JumpHost(string Alias, string Host, NodeSsh Ssh)
{
    public override string ToString() => Alias == Host ? $"{Alias}:{Ssh.Settings.Port}" : $"{Alias} ({Host}:{Ssh.Settings.Port})";
}
