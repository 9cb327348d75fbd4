using Recovery.Access;

namespace Recovery.Commands;

/// <summary>`systemctl stop UNIT` (kube-proxy, k3s, rke2, or kubelet before a DaemonSet container).</summary>
internal sealed record UnitStop(string Unit) : NodeCommand
{
    public string Unit { get; } = CommandWords.Unit(Unit);

    public override ShellCommand ToShell() => ShellCommand.Of("systemctl", "stop", Unit);
}

/// <summary>`systemctl start UNIT`.</summary>
internal sealed record UnitStart(string Unit) : NodeCommand
{
    public string Unit { get; } = CommandWords.Unit(Unit);

    public override ShellCommand ToShell() => ShellCommand.Of("systemctl", "start", Unit);
}

/// <summary>`systemctl is-active --quiet UNIT`: exit 0 while the unit runs.</summary>
internal sealed record UnitActive(string Unit) : NodeCommand
{
    public string Unit { get; } = CommandWords.Unit(Unit);

    public override ShellCommand ToShell() => ShellCommand.Of("systemctl", "is-active", "--quiet", Unit);
}

/// <summary>The container runtime client a kube-proxy container is driven with.</summary>
internal enum ContainerClient
{
    Docker,
    Crictl,
}

/// <summary>`docker stop ID` or `crictl stop ID`.</summary>
internal sealed record ContainerStop(ContainerClient Client, string Id) : NodeCommand
{
    public string Id { get; } = CommandWords.ContainerId(Id);

    public override ShellCommand ToShell() => ShellCommand.Of(Program(Client), "stop", Id);

    internal static string Program(ContainerClient client) => client == ContainerClient.Docker ? "docker" : "crictl";
}

/// <summary>`docker start ID` or `crictl start ID`.</summary>
internal sealed record ContainerStart(ContainerClient Client, string Id) : NodeCommand
{
    public string Id { get; } = CommandWords.ContainerId(Id);

    public override ShellCommand ToShell() => ShellCommand.Of(ContainerStop.Program(Client), "start", Id);
}

/// <summary>Where a static pod manifest is moved while kube-proxy must stay stopped: outside every manifest folder, so kubelet stops the pod.</summary>
internal static class AsideDirectory
{
    public const string Path = "/var/lib/kube-recover/aside";

    /// <summary>Where MANIFEST goes while set aside (same file name).</summary>
    public static string For(string manifest) => $"{Path}/{System.IO.Path.GetFileName(manifest)}";
}

/// <summary>`mkdir -p /var/lib/kube-recover/aside`.</summary>
internal sealed record AsideDirectoryCreate : NodeCommand
{
    public override ShellCommand ToShell() => ShellCommand.Of("mkdir", "-p", AsideDirectory.Path);
}

/// <summary>`mv MANIFEST ASIDE` unless it is aside already (an earlier run moved it, and kubelet had not stopped the pod yet): kubelet stops the static pod.</summary>
internal sealed record ManifestMoveAside(string Manifest) : NodeCommand
{
    public string Manifest { get; } = CommandWords.Manifest(Manifest);

    public override ShellCommand ToShell() =>
        new ManifestIsAside(Manifest).ToShell().OrElse(ShellCommand.Of("mv", Manifest, AsideDirectory.For(Manifest)));
}

/// <summary>`mv ASIDE MANIFEST`: kubelet starts the static pod again.</summary>
internal sealed record ManifestMoveBack(string Manifest) : NodeCommand
{
    public string Manifest { get; } = CommandWords.Manifest(Manifest);

    public override ShellCommand ToShell() => ShellCommand.Of("mv", AsideDirectory.For(Manifest), Manifest);
}

/// <summary>Exit 0 when the manifest is aside and not in its folder.</summary>
internal sealed record ManifestIsAside(string Manifest) : NodeCommand
{
    public string Manifest { get; } = CommandWords.Manifest(Manifest);

    public override ShellCommand ToShell() =>
        ShellCommand.Of("test", "!", "-e", Manifest).AndThen(ShellCommand.Of("test", "-e", AsideDirectory.For(Manifest)));
}

/// <summary>
/// Exit 0 when the manifest is aside and kube-proxy is silent: the static pod stop has taken. The manifest aside alone
/// is not that (kubelet stops the pod at its next sync, or never while it hangs), and a check must be the postcondition.
/// </summary>
internal sealed record StaticPodStopped(string Manifest) : NodeCommand
{
    public string Manifest { get; } = CommandWords.Manifest(Manifest);

    public override ShellCommand ToShell() => new ManifestIsAside(Manifest).ToShell().AndThen(ProxyModeQuery.Silent);
}

/// <summary>Exit 0 when the manifest is in its folder and not aside.</summary>
internal sealed record ManifestInPlace(string Manifest) : NodeCommand
{
    public string Manifest { get; } = CommandWords.Manifest(Manifest);

    public override ShellCommand ToShell() =>
        ShellCommand.Of("test", "-e", Manifest).AndThen(ShellCommand.Of("test", "!", "-e", AsideDirectory.For(Manifest)));
}
