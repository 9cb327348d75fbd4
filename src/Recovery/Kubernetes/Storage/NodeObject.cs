namespace Recovery.Kubernetes.Storage;

/// <summary>A v1 Node from <c>/registry/minions/</c>: its name and status.addresses.</summary>
public sealed record NodeObject(ObjectMeta Metadata, IReadOnlyList<NodeAddress> Addresses)
{
    public string Name => Metadata.Name;
}

/// <summary>status.addresses[]: type is InternalIP, ExternalIP, Hostname, ...</summary>
public sealed record NodeAddress(string Type, string Address);
