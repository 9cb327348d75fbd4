using System.Net;
using Recovery.Addresses;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Recovery.Kubernetes.Discovery;

/// <summary>
/// The API server addresses a kubeconfig names (<c>clusters[].cluster.server</c>): a VIP or load balancer there
/// claimed by a Service is the same lockout as a node's own address, so each becomes a protected address. A server
/// named by host name is not resolved (no DNS at a broken console): it is reported instead.
/// </summary>
internal static class KubeconfigServers
{
    /// <returns>the addresses, and one note per server that is not an address or per file that is not a kubeconfig.</returns>
    public static (IReadOnlyList<IPAddress> Addresses, IReadOnlyList<string> Notes) Read(string yaml, string source)
    {
        var addresses = new List<IPAddress>();
        var notes = new List<string>();
        YamlMappingNode? root = null;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            root = stream.Documents.Count > 0 ? stream.Documents[0].RootNode as YamlMappingNode : null;
        }
        catch (YamlException e)
        {
            notes.Add($"{source}: not valid YAML ({e.Start}: {e.Message})");
        }

        if (root?.Children.TryGetValue(new YamlScalarNode("clusters"), out var clusters) == true && clusters is YamlSequenceNode list)
        {
            foreach (var cluster in list.Children.OfType<YamlMappingNode>())
            {
                if (!cluster.Children.TryGetValue(new YamlScalarNode("cluster"), out var c) || c is not YamlMappingNode body
                    || !body.Children.TryGetValue(new YamlScalarNode("server"), out var s) || s is not YamlScalarNode { Value: { } server }) continue;
                if (Uri.TryCreate(server, UriKind.Absolute, out var uri) && KubernetesAddress.TryParse(uri.Host.Trim('[', ']'), out var address))
                {
                    if (!IPAddress.IsLoopback(address)) addresses.Add(KubernetesAddress.Normalise(address));
                }
                else
                {
                    notes.Add($"{source}: server {Logging.SafeText.Of(server)} is not an IP address, not protected (give --protect IP for its address)");
                }
            }
        }
        else if (notes.Count == 0)
        {
            notes.Add($"{source}: no clusters[].cluster.server (not a kubeconfig)");
        }

        return (addresses, notes);
    }
}
