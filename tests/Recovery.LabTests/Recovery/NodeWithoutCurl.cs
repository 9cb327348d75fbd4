namespace Recovery.LabTests.Recovery;

/// <summary>
/// Makes curl unusable on one node for the length of a test: /dev/null bound over /usr/bin/curl in that node's own
/// mount namespace (its sshd and console see it; the host and the other nodes do not), so running curl fails
/// (exit 126) as on a node where it cannot run. Refuses when the mount would propagate out of the node.
/// </summary>
internal sealed class NodeWithoutCurl : IAsyncDisposable
{
    private readonly LabFixture lab;
    private readonly string node;

    private NodeWithoutCurl(LabFixture lab, string node) => (this.lab, this.node) = (lab, node);

    public static async Task<NodeWithoutCurl> HideAsync(LabFixture lab, string node)
    {
        var propagation = await lab.BashAsync(node, "findmnt -no PROPAGATION -T /usr/bin/curl");
        Assert.True(propagation.Succeeded && propagation.StdOut.Trim() == "private", $"{node}'s mount of /usr/bin/curl is not private ({propagation.StdOut.Trim()}): the bind would leak");
        var hide = await lab.BashAsync(node, "mount --bind /dev/null /usr/bin/curl && ! curl -s -m 1 http://127.0.0.1:10249/proxyMode; echo \"curl exit $?\"");
        Assert.True(hide.Succeeded, $"hiding curl on {node}: {hide.StdErr}");
        return new NodeWithoutCurl(lab, node);
    }

    public async ValueTask DisposeAsync() => await lab.BashAsync(node, "umount /usr/bin/curl");
}
