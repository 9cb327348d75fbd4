using YamlDotNet.RepresentationModel;

namespace Lab.StandIns;

/// <summary>Small read-only access to a YAML document (kube-proxy config, kubeconfig, pod manifests).</summary>
internal static class Yaml
{
    public static YamlMappingNode LoadFile(string path, string what)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StartupException($"{what} {path}: {e.Message}");
        }
        return Load(text, $"{what} {path}");
    }

    public static YamlMappingNode Load(string text, string what)
    {
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            return stream.Documents.Count > 0 && stream.Documents[0].RootNode is YamlMappingNode root
                ? root
                : throw new StartupException($"{what}: expected a YAML mapping at the top");
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new StartupException($"{what}: not valid YAML ({e.Start}: {e.Message})");
        }
    }

    public static YamlNode? Child(this YamlNode? node, string key) =>
        node is YamlMappingNode m && m.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;

    public static string? Text(this YamlNode? node, string key) =>
        node.Child(key) is YamlScalarNode { Value: { Length: > 0 } s } ? s : null;

    public static IEnumerable<YamlNode> Items(this YamlNode? node) =>
        node is YamlSequenceNode s ? s.Children : [];

    public static IEnumerable<string> Strings(this YamlNode? node) =>
        node.Items().OfType<YamlScalarNode>().Select(s => s.Value ?? "");
}
