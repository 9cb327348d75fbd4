using System.Security.Cryptography;
using System.Text;
using YamlDotNet.RepresentationModel;

namespace Lab.StandIns.Kubelet;

/// <summary>
/// A pod as the docker runtime runs it: a static pod from the manifest folder (named NAME-NODE, uid from the manifest's
/// hash, as kubelet's config/common.go does) or a DaemonSet pod from the lab's folder (name and uid as written there).
/// </summary>
internal sealed record RuntimePod(string Name, string Namespace, string Uid, string ContainerName, string Image,
    IReadOnlyList<string> Argv, IReadOnlyDictionary<string, string> Env, IReadOnlyDictionary<string, string> Labels,
    bool HostNetwork, bool Privileged, string Source)
{
    public static (RuntimePod? Pod, string? Problem) Read(string file, string node, bool isStatic)
    {
        var (pod, problem) = StaticPod.Read(file);
        if (pod is null)
            return (null, problem);
        YamlMappingNode root;
        try
        {
            root = Yaml.LoadFile(file, "pod");
        }
        catch (StartupException e)
        {
            return (null, e.Message);
        }
        var container = root.Child("spec").Child("containers").Items().First();
        var image = container.Text("image");
        if (image is null)
            return (null, "the first container has no image");
        var uid = isStatic ? pod.ContentHash[..32].ToLowerInvariant() : root.Child("metadata").Text("uid");
        if (uid is null)
            return (null, "metadata.uid is missing");
        var labels = root.Child("metadata").Child("labels") is YamlMappingNode m
            ? m.Children.ToDictionary(kv => kv.Key.ToString(), kv => kv.Value.ToString(), StringComparer.Ordinal)
            : [];
        return (new RuntimePod(isStatic ? $"{pod.Name}-{node}" : pod.Name, pod.Namespace, uid, container.Text("name") ?? pod.Name, image,
            pod.Argv, pod.Env, labels, root.Child("spec").Text("hostNetwork") == "true",
            container.Child("securityContext").Text("privileged") == "true", isStatic ? "file" : "api"), null);
    }

    /// <summary>dockershim's naming.go: k8s_POD_NAME_NAMESPACE_UID_ATTEMPT for the sandbox.</summary>
    public string SandboxName(int attempt) => $"k8s_POD_{Name}_{Namespace}_{Uid}_{attempt}";

    /// <summary>dockershim's naming.go: k8s_CONTAINER_NAME_NAMESPACE_UID_ATTEMPT.</summary>
    public string ContainerDockerName(int attempt) => $"k8s_{ContainerName}_{Name}_{Namespace}_{Uid}_{attempt}";

    /// <summary>A short stable hash of the container spec, as the container.hash annotation carries.</summary>
    public string SpecHash() =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\0', Argv.Prepend(Image)))))[..8].ToLowerInvariant();
}
