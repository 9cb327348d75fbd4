using System.Security.Cryptography;
using System.Text;
using YamlDotNet.RepresentationModel;

namespace Lab.StandIns.Kubelet;

/// <summary>A static Pod manifest as the stand-in runs it: the first container's command + args and env.</summary>
internal sealed record StaticPod(string File, string Name, string Namespace, IReadOnlyList<string> Argv, IReadOnlyDictionary<string, string> Env, string ContentHash)
{
    /// <summary>Reads a manifest; a message instead of a pod when it cannot be run.</summary>
    public static (StaticPod? Pod, string? Problem) Read(string file)
    {
        string text;
        try
        {
            text = System.IO.File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, e.Message);
        }
        YamlMappingNode root;
        try
        {
            root = Yaml.Load(text, file);
        }
        catch (StartupException e)
        {
            return (null, e.Message);
        }
        if (root.Text("kind") is { } kind && kind != "Pod")
            return (null, $"kind is {kind}, expected Pod");
        var container = root.Child("spec").Child("containers").Items().FirstOrDefault();
        if (container is null)
            return (null, "spec.containers is empty");
        var argv = container.Child("command").Strings().Concat(container.Child("args").Strings()).ToList();
        if (argv.Count == 0)
            return (null, "the first container has no command (the stand-in runs commands, not images)");
        var env = container.Child("env").Items()
            .Where(e => e.Text("name") is not null)
            .ToDictionary(e => e.Text("name")!, e => e.Text("value") ?? "");
        var name = root.Child("metadata").Text("name") ?? Path.GetFileNameWithoutExtension(file);
        var ns = root.Child("metadata").Text("namespace") ?? "default";
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        return (new StaticPod(file, name, ns, argv, env, hash), null);
    }
}
