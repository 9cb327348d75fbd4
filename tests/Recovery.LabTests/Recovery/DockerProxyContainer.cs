using System.Globalization;

namespace Recovery.LabTests.Recovery;

/// <summary>The running kube-proxy container of a daemonset-docker node, read through the node's own dockerd socket.</summary>
public sealed record DockerProxyContainer(string Id, string Name)
{
    /// <summary>dockershim's last name field (naming.go): the container's attempt.</summary>
    public int Attempt => int.Parse(Name[(Name.LastIndexOf('_') + 1)..], CultureInfo.InvariantCulture);

    /// <summary>The running kube-proxy containers on NODE (empty when none runs, or dockerd does not answer).</summary>
    public static async Task<IReadOnlyList<DockerProxyContainer>> RunningOnAsync(LabFixture lab, string node)
    {
        var ps = await lab.ConsoleAsync(node, "docker", "ps", "--no-trunc", "--filter", "name=^/k8s_kube-proxy_", "--format", "{{.ID}} {{.Names}}");
        return ps.Succeeded
            ? ps.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')).Select(f => new DockerProxyContainer(f[0], f[1])).ToList()
            : [];
    }
}
