namespace Recovery.LabTests.Recovery;

/// <summary>kube-proxy as a systemd unit, v1.20 behaviour (binds the owner's address too): the seed's cluster.</summary>
public sealed class SystemdLab : LabFixture
{
    protected override string Name => "recover-systemd";
}

/// <summary>The seed's cluster again, for the published files alone (their emulated arm64 runs are the longest tests).</summary>
public sealed class ReleaseLab : LabFixture
{
    protected override string Name => "release";
}

[CollectionDefinition(Name)]
public sealed class ReleaseLabCollection : ICollectionFixture<ReleaseLab>
{
    public const string Name = "release";
}

/// <summary>kube-proxy as a static pod run by kubelet (kubeadm-like), v1.20 behaviour.</summary>
public sealed class StaticPodLab : LabFixture
{
    protected override string Name => "recover-static";
    protected override IReadOnlyList<string> UpArguments => ["--proxy-manager", "static-pod"];
}

/// <summary>kube-proxy started and stopped by commands the inventory names; newer behaviour (skips the owner's own address).</summary>
public sealed class CustomLab : LabFixture
{
    protected override string Name => "recover-custom";
    protected override IReadOnlyList<string> UpArguments => ["--proxy-manager", "custom", "--bind-owner", "no"];
}

/// <summary>kubeadm's DaemonSet kube-proxy in a real dockerd 20.10 per node, run by the kubelet stand-in as dockershim does.</summary>
public sealed class DaemonSetDockerLab : LabFixture
{
    protected override string Name => "recover-docker";
    protected override IReadOnlyList<string> UpArguments => ["--proxy-manager", "daemonset-docker"];
}

[CollectionDefinition(Name)]
public sealed class DaemonSetDockerLabCollection : ICollectionFixture<DaemonSetDockerLab>
{
    public const string Name = "recover-docker";
}

[CollectionDefinition(Name)]
public sealed class SystemdLabCollection : ICollectionFixture<SystemdLab>
{
    public const string Name = "recover-systemd";
}

[CollectionDefinition(Name)]
public sealed class StaticPodLabCollection : ICollectionFixture<StaticPodLab>
{
    public const string Name = "recover-static";
}

[CollectionDefinition(Name)]
public sealed class CustomLabCollection : ICollectionFixture<CustomLab>
{
    public const string Name = "recover-custom";
}

/// <summary>k3s (`lab.sh up --flavor k3s`): node1..3 servers (API server and kube-proxy in the unit k3s), node4 an agent (k3s-agent).</summary>
public sealed class K3sLab : LabFixture
{
    protected override string Name => "recover-k3s";
    protected override IReadOnlyList<string> UpArguments => ["--flavor", "k3s", "--nodes", "4"];
}

[CollectionDefinition(Name)]
public sealed class K3sLabCollection : ICollectionFixture<K3sLab>
{
    public const string Name = "recover-k3s";
}

/// <summary>The seed's cluster with a GitOps-like loop on node1 that re-creates the seed Service when it is gone (lib/lab-reapply).</summary>
public sealed class ReapplyLab : LabFixture
{
    protected override string Name => "recover-reapply";
    protected override IReadOnlyList<string> UpArguments => ["--controller", "reapply"];
}

[CollectionDefinition(Name)]
public sealed class ReapplyLabCollection : ICollectionFixture<ReapplyLab>
{
    public const string Name = "recover-reapply";
}

/// <summary>The seed's cluster with a MetalLB-like controller on node1 assigning LoadBalancer addresses from a pool that holds node1's address (lib/lab-lb-pool).</summary>
public sealed class LoadBalancerPoolLab : LabFixture
{
    protected override string Name => "recover-lb-pool";
    protected override IReadOnlyList<string> UpArguments => ["--controller", "lb-pool"];
}

[CollectionDefinition(Name)]
public sealed class LoadBalancerPoolLabCollection : ICollectionFixture<LoadBalancerPoolLab>
{
    public const string Name = "recover-lb-pool";
}
