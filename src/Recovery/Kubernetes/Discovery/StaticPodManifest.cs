using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Recovery.Kubernetes.Discovery;

/// <summary>kube-apiserver as a static pod (kubeadm's /etc/kubernetes/manifests/kube-apiserver.yaml): command + args of its container.</summary>
internal static class StaticPodManifest
{
    public static EtcdSettings Read(string yaml, string source)
    {
        YamlMappingNode root;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            root = stream.Documents.Count > 0 && stream.Documents[0].RootNode is YamlMappingNode m ? m : throw new DiscoveryException($"{source}: not a YAML mapping (expected a Pod manifest)");
        }
        catch (YamlException e)
        {
            throw new DiscoveryException($"{source}: not valid YAML ({e.Start}: {e.Message})");
        }

        if (Child(root, "spec") is not YamlMappingNode spec || Child(spec, "containers") is not YamlSequenceNode containers || containers.Children.Count == 0)
        {
            throw new DiscoveryException($"{source}: no spec.containers (expected kube-apiserver's static pod manifest)");
        }

        var mappings = containers.Children.OfType<YamlMappingNode>().ToList();
        var container = mappings.FirstOrDefault(c => Scalar(Child(c, "name")) == "kube-apiserver")
            ?? mappings.FirstOrDefault(c => Strings(Child(c, "command")).FirstOrDefault()?.EndsWith("kube-apiserver", StringComparison.Ordinal) == true)
            ?? mappings.FirstOrDefault()
            ?? throw new DiscoveryException($"{source}: spec.containers holds no container");
        var arguments = Strings(Child(container, "command")).Concat(Strings(Child(container, "args"))).ToList();
        return ApiServerFlags.FromArguments(arguments, source);
    }

    private static YamlNode? Child(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;

    private static string? Scalar(YamlNode? node) => (node as YamlScalarNode)?.Value;

    private static IEnumerable<string> Strings(YamlNode? node) =>
        node is YamlSequenceNode seq ? seq.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? "") : [];
}
