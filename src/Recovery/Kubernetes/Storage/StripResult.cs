namespace Recovery.Kubernetes.Storage;

/// <summary>The Service value after removing addresses, and which entries were removed (as written in the object).</summary>
internal sealed record StripResult(byte[] Value, IReadOnlyList<string> RemovedExternalIPs, IReadOnlyList<string> RemovedIngressIPs)
{
    public bool Changed => RemovedExternalIPs.Count + RemovedIngressIPs.Count > 0;
}
