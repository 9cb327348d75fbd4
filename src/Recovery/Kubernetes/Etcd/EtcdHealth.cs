namespace Recovery.Kubernetes.Etcd;

/// <summary>What every endpoint said about itself. Writes need <see cref="HasLeader"/>.</summary>
internal sealed record EtcdHealth(IReadOnlyList<EndpointStatus> Endpoints)
{
    public bool HasLeader => Endpoints.Any(e => e.Healthy && e.LeaderId != 0);

    public EndpointStatus? FirstHealthy => Endpoints.FirstOrDefault(e => e.Healthy);

    /// <summary>Cluster id as etcdctl prints it (hex), from the first endpoint that answered.</summary>
    public string ClusterId => FirstHealthy is { } e ? e.ClusterId.ToString("x", System.Globalization.CultureInfo.InvariantCulture) : "";
}

/// <summary>One endpoint's status (ids as etcd reports them; <see cref="Error"/> set when it did not answer).</summary>
internal sealed record EndpointStatus(Uri Endpoint, bool Healthy, ulong ClusterId, ulong MemberId, ulong LeaderId, string Version, long RaftIndex, string? Error)
{
    public bool IsLeader => Healthy && MemberId != 0 && MemberId == LeaderId;

    public string MemberIdHex => MemberId.ToString("x", System.Globalization.CultureInfo.InvariantCulture);
}
