using System.Text.Json.Serialization;
using Recovery.Access;

namespace Recovery.Commands;

/// <summary>
/// A command kube-recover plans for a node, as a typed value: the one vocabulary. Each record validates its values when
/// it is constructed (so a plan file is checked by reading it), knows its command line (<see cref="ToShell"/>, run on
/// the node and printed in scripts alike), and is stored in plan JSON by its type name. Adding a command means adding
/// one record here and its line in the list below.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(IpvsAddressDel), "ipvsAddressDel")]
[JsonDerivedType(typeof(IpvsAddressAdd), "ipvsAddressAdd")]
[JsonDerivedType(typeof(IpvsAddressShow), "ipvsAddressShow")]
[JsonDerivedType(typeof(RouteGet), "routeGet")]
[JsonDerivedType(typeof(LocalRouteShow), "localRouteShow")]
[JsonDerivedType(typeof(LocalRouteAdd), "localRouteAdd")]
[JsonDerivedType(typeof(AddressList), "addressList")]
[JsonDerivedType(typeof(LocalRouteList), "localRouteList")]
[JsonDerivedType(typeof(IpsetDel), "ipsetDel")]
[JsonDerivedType(typeof(IpsetAdd), "ipsetAdd")]
[JsonDerivedType(typeof(IpsetTest), "ipsetTest")]
[JsonDerivedType(typeof(IpsetList), "ipsetList")]
[JsonDerivedType(typeof(IpvsServiceDel), "ipvsServiceDel")]
[JsonDerivedType(typeof(IpvsServiceList), "ipvsServiceList")]
[JsonDerivedType(typeof(UnitStop), "unitStop")]
[JsonDerivedType(typeof(UnitStart), "unitStart")]
[JsonDerivedType(typeof(UnitActive), "unitActive")]
[JsonDerivedType(typeof(ContainerStop), "containerStop")]
[JsonDerivedType(typeof(ContainerStart), "containerStart")]
[JsonDerivedType(typeof(KubeProxyContainerRunning), "kubeProxyContainerRunning")]
[JsonDerivedType(typeof(AsideDirectoryCreate), "asideDirectoryCreate")]
[JsonDerivedType(typeof(ManifestMoveAside), "manifestMoveAside")]
[JsonDerivedType(typeof(ManifestMoveBack), "manifestMoveBack")]
[JsonDerivedType(typeof(ManifestIsAside), "manifestIsAside")]
[JsonDerivedType(typeof(StaticPodStopped), "staticPodStopped")]
[JsonDerivedType(typeof(ManifestInPlace), "manifestInPlace")]
[JsonDerivedType(typeof(TcpConnect), "tcpConnect")]
[JsonDerivedType(typeof(ProxyModeQuery), "proxyModeQuery")]
[JsonDerivedType(typeof(KubeProxySynced), "kubeProxySynced")]
[JsonDerivedType(typeof(ToolPresent), "toolPresent")]
[JsonDerivedType(typeof(ServiceList), "serviceList")]
[JsonDerivedType(typeof(StopMarkerWrite), "stopMarkerWrite")]
[JsonDerivedType(typeof(StopMarkerRemove), "stopMarkerRemove")]
[JsonDerivedType(typeof(StopMarkerAbsent), "stopMarkerAbsent")]
[JsonDerivedType(typeof(CustomCommand), "custom")]
[JsonDerivedType(typeof(Chain), "chain")]
internal abstract record NodeCommand
{
    /// <summary>The command line run on the node (and printed in scripts): one rendering for both.</summary>
    public abstract ShellCommand ToShell();

    /// <summary>This command, then NEXT if it succeeded.</summary>
    public NodeCommand AndThen(NodeCommand next) => new Chain(this, next);

    /// <summary>The command as one line of POSIX shell.</summary>
    public string Render() => ToShell().Render();

    public sealed override string ToString() => Render();
}

/// <summary>FIRST, then THEN if FIRST succeeded (`&amp;&amp;`): a start followed by the removal of the stop marker.</summary>
internal sealed record Chain(NodeCommand First, NodeCommand Then) : NodeCommand
{
    public override ShellCommand ToShell() => First.ToShell().AndThen(Then.ToShell());
}

/// <summary>A kube-proxy stop or start command exactly as the inventory gives it (the custom manager). The plan
/// validator accepts it only where it equals the node's inventory entry.</summary>
internal sealed record CustomCommand(IReadOnlyList<string> Argv) : NodeCommand
{
    public override ShellCommand ToShell() => ShellCommand.Of(Argv);
}
