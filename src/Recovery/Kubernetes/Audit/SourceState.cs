namespace Recovery.Kubernetes.Audit;

/// <summary>
/// What became of one read. "Not installed" (the server has no such resource type) and "absent" (no such object)
/// are answers; "unreadable" is not, and audit never calls clean what it could not read.
/// </summary>
internal enum SourceState { Read, Absent, NotInstalled, Unreadable }

internal sealed record SourceStatus(string Name, SourceState State, string Detail)
{
    public string StateText => State switch
    {
        SourceState.Read => "read",
        SourceState.Absent => "absent",
        SourceState.NotInstalled => "not installed",
        _ => "could not read",
    };
}
