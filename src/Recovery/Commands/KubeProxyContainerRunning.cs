using Recovery.Access;

namespace Recovery.Commands;

/// <summary>
/// Prints something while any kube-proxy container runs, or while what would say so cannot be read; nothing only when
/// the runtime answered and lists none running. Any attempt, not the id stopped: a kubelet that runs (again) replaces a
/// stopped container with a new one (dockershim: k8s_kube-proxy_POD_NS_UID_ATTEMPT, a new id). With
/// <see cref="KubeletToo"/>, an active kubelet prints too: it would start one at its next sync.
/// `docker ps` exits 1 with nothing on stdout when dockerd does not answer (Fixtures/docker/real-20.10): the `|| echo`
/// keeps that from reading as "none running".
/// </summary>
internal sealed record KubeProxyContainerRunning(ContainerClient Client, bool KubeletToo) : NodeCommand
{
    public override ShellCommand ToShell()
    {
        var list = Client == ContainerClient.Docker
            ? ShellCommand.Of("docker", "ps", "-q", "--no-trunc", "--filter", "name=^/k8s_kube-proxy_")
            : ShellCommand.Of("crictl", "ps", "-q", "--name", "^kube-proxy$");
        var runtime = list.OrElse(ShellCommand.Of("echo", $"{ContainerStop.Program(Client)} ps failed"));
        return KubeletToo
            ? ShellCommand.Of("systemctl", "is-active", "--quiet", "kubelet").AndThen(ShellCommand.Of("echo", "kubelet is active")).Then(runtime)
            : runtime;
    }
}
