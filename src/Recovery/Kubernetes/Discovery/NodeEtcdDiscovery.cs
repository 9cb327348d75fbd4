using Recovery.Access;

namespace Recovery.Kubernetes.Discovery;

/// <summary>
/// Finds kube-apiserver's etcd settings on one node: the running process's arguments first (what is in effect),
/// then its static pod manifest, then its systemd unit. Read-only; every command runs under the shell's timeout.
/// </summary>
internal static class NodeEtcdDiscovery
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(15);

    public static Task<EtcdSettings> DiscoverAsync(INodeShell shell, CancellationToken cancellationToken) =>
        DiscoverAsync(shell, DiscoveryLocations.Default, cancellationToken);

    /// <inheritdoc cref="DiscoverAsync(INodeShell, CancellationToken)"/>
    public static async Task<EtcdSettings> DiscoverAsync(INodeShell shell, DiscoveryLocations where, CancellationToken cancellationToken)
    {
        var tried = new List<string>();

        var pgrep = await shell.RunAsync(ShellCommand.Of("pgrep", "-o", "-f", where.ProcessPattern), CommandTimeout, cancellationToken).ConfigureAwait(false);
        if (pgrep.Succeeded && int.TryParse(pgrep.StdOut.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var pid))
        {
            var path = $"/proc/{pid}/cmdline";
            // NUL bytes become newlines for the trip through the shell's text output (kube-apiserver flags hold no newlines).
            var cmdline = await shell.RunAsync(ShellCommand.Of("sh", "-c", "tr '\\0' '\\n' < \"$1\"", "sh", path), CommandTimeout, cancellationToken).ConfigureAwait(false);
            if (cmdline.Succeeded)
            {
                var settings = Attempt(() => ProcessCommandLine.Read(System.Text.Encoding.UTF8.GetBytes(cmdline.StdOut.Replace('\n', '\0')), $"{shell.Node.Name}:{path}"), tried);
                if (settings is not null) return settings;
            }
            else
            {
                tried.Add($"{path}: {cmdline.StdErr.Trim()}");
            }
        }
        else
        {
            tried.Add("no running kube-apiserver process");
        }

        foreach (var (paths, read) in new (IReadOnlyList<string>, Func<string, string, EtcdSettings>)[] { (where.Manifests, StaticPodManifest.Read), (where.Units, SystemdUnit.Read) })
        {
            foreach (var path in paths)
            {
                var text = await shell.RunAsync(ShellCommand.Of("cat", path), CommandTimeout, cancellationToken).ConfigureAwait(false);
                if (!text.Succeeded)
                {
                    tried.Add($"{path}: absent");
                    continue;
                }

                var settings = Attempt(() => read(text.StdOut, $"{shell.Node.Name}:{path}"), tried);
                if (settings is not null) return settings;
            }
        }

        // No kube-apiserver definition at all (stopped, its manifest moved aside while troubleshooting): kubeadm's
        // defaults, when its etcd client files are there. Its --etcd-servers is always the local member.
        var kubeadm = await shell.RunAsync(ShellCommand.Of(["ls", "-1", .. KubeadmDefaults.Files]), CommandTimeout, cancellationToken).ConfigureAwait(false);
        if (kubeadm.Succeeded)
        {
            return new EtcdSettings([KubeadmDefaults.Endpoint], KubeadmDefaults.CaFile, KubeadmDefaults.CertificateFile, KubeadmDefaults.KeyFile,
                ApiServerFlags.DefaultPrefix, $"{shell.Node.Name}: kubeadm's default etcd client files (no kube-apiserver definition found)");
        }
        tried.Add("kubeadm's etcd client files: absent");

        throw new DiscoveryException($"{shell.Node.Name}: kube-apiserver's etcd flags not found ({string.Join("; ", tried)}); pass --etcd-endpoints, --etcd-cacert, --etcd-cert and --etcd-key");
    }

    private static EtcdSettings? Attempt(Func<EtcdSettings> read, List<string> tried)
    {
        try
        {
            return read();
        }
        catch (DiscoveryException e)
        {
            tried.Add(e.Message);
            return null;
        }
    }
}
