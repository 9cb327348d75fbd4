using Lab.StandIns.Kubelet;

namespace Lab.StandIns.Tests.Lab;

/// <summary>The docker runtime's pods are named as dockershim names them (pkg/kubelet/dockershim/naming.go).</summary>
public sealed class RuntimePodTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("standins-runtime-pod-").FullName;

    private const string DaemonSetPod = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: kube-proxy-x7k2p
          namespace: kube-system
          uid: 746a04e5-3ae6-46eb-a770-7048ec788282
          labels:
            k8s-app: kube-proxy
        spec:
          containers:
          - command: [kube-proxy, --config=/var/lib/kube-proxy/config.conf]
            image: k8s.gcr.io/kube-proxy:v1.20.11
            name: kube-proxy
            securityContext:
              privileged: true
          hostNetwork: true
        """;

    [Fact]
    public void A_daemonset_pod_keeps_its_name_and_uid_and_its_containers_carry_the_attempt()
    {
        var (pod, problem) = RuntimePod.Read(Write("kube-proxy.yaml", DaemonSetPod), "node2", isStatic: false);

        Assert.Null(problem);
        Assert.Equal("k8s_kube-proxy_kube-proxy-x7k2p_kube-system_746a04e5-3ae6-46eb-a770-7048ec788282_3", pod!.ContainerDockerName(3));
        Assert.Equal("k8s_POD_kube-proxy-x7k2p_kube-system_746a04e5-3ae6-46eb-a770-7048ec788282_0", pod.SandboxName(0));
        Assert.Equal((true, true, "kube-proxy", "api"), (pod.HostNetwork, pod.Privileged, pod.Labels["k8s-app"], pod.Source));
    }

    [Fact]
    public void A_static_pod_is_named_after_its_node_with_a_uid_from_its_content()
    {
        var file = Write("kube-proxy.yaml", DaemonSetPod.Replace("  uid: 746a04e5-3ae6-46eb-a770-7048ec788282\n", "", StringComparison.Ordinal));
        var (pod, problem) = RuntimePod.Read(file, "node1", isStatic: true);
        Assert.True(pod is not null, problem);
        var (changed, _) = RuntimePod.Read(Write("kube-proxy.yaml", File.ReadAllText(file) + "\n  priorityClassName: system-node-critical\n"), "node1", isStatic: true);

        Assert.Equal("kube-proxy-x7k2p-node1", pod!.Name);
        Assert.Matches("^[0-9a-f]{32}$", pod.Uid);
        Assert.NotEqual(pod.Uid, changed!.Uid);   // a changed manifest is a new pod: its containers are replaced
    }

    [Fact]
    public void A_daemonset_pod_without_a_uid_is_refused()
    {
        var (pod, problem) = RuntimePod.Read(Write("p.yaml", DaemonSetPod.Replace("  uid: 746a04e5-3ae6-46eb-a770-7048ec788282\n", "", StringComparison.Ordinal)), "node1", isStatic: false);

        Assert.Null(pod);
        Assert.Equal("metadata.uid is missing", problem);
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
