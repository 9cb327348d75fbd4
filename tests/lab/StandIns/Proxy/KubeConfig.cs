using System.Security.Cryptography.X509Certificates;
using System.Text;
using YamlDotNet.RepresentationModel;

namespace Lab.StandIns.Proxy;

/// <summary>
/// The parts of a kubeconfig a client needs: the current context's server URL, its CA and the user's client
/// certificate, each either embedded (*-data, base64) or a file path (relative to the kubeconfig's folder).
/// </summary>
internal sealed record KubeConfig(Uri Server, X509Certificate2Collection? Ca, X509Certificate2? ClientCertificate)
{
    public static KubeConfig Load(string path)
    {
        var root = Yaml.LoadFile(path, "kubeconfig");
        var dir = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        var contextName = root.Text("current-context");
        var context = Named(root, "contexts", contextName, "context", path);
        var cluster = Named(root, "clusters", context.Text("cluster"), "cluster", path);
        var user = Named(root, "users", context.Text("user"), "user", path);
        var server = cluster.Text("server") ?? throw new StartupException($"kubeconfig {path}: cluster has no server");
        if (!Uri.TryCreate(server, UriKind.Absolute, out var uri))
            throw new StartupException($"kubeconfig {path}: server '{server}' is not a URL");
        X509Certificate2Collection? ca = null;
        if (Pem(cluster, "certificate-authority", dir) is { } caPem)
        {
            ca = [];
            ca.ImportFromPem(caPem);
        }
        X509Certificate2? client = null;
        if (Pem(user, "client-certificate", dir) is { } certPem && Pem(user, "client-key", dir) is { } keyPem)
            client = X509Certificate2.CreateFromPem(certPem, keyPem);
        return new KubeConfig(uri, ca, client);
    }

    private static YamlNode Named(YamlMappingNode root, string list, string? name, string inner, string path)
    {
        var entries = root.Child(list).Items().ToList();
        var entry = name is null && entries.Count == 1 ? entries[0] : entries.FirstOrDefault(e => e.Text("name") == name);
        return entry.Child(inner) ?? throw new StartupException($"kubeconfig {path}: no {inner} named '{name}' in {list}");
    }

    private static string? Pem(YamlNode node, string field, string dir)
    {
        if (node.Text($"{field}-data") is { } data)
            return Encoding.UTF8.GetString(Convert.FromBase64String(data));
        if (node.Text(field) is { } file)
            return File.ReadAllText(Path.IsPathRooted(file) ? file : Path.Combine(dir, file));
        return null;
    }
}
