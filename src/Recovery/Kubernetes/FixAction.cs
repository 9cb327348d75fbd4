namespace Recovery.Kubernetes;

/// <summary>What to do with a Service that claims a hijacked address.</summary>
internal enum FixAction
{
    /// <summary>Delete the Service (and, through etcd, its Endpoints and EndpointSlices).</summary>
    Delete,

    /// <summary>Keep the Service, remove only the offending addresses from externalIPs and LB ingress.</summary>
    Strip,
}

/// <summary>Which path fixes the Service: kubectl through an API server, or etcd directly.</summary>
internal enum FixPath
{
    Auto,
    Kubectl,
    Etcd,
}
