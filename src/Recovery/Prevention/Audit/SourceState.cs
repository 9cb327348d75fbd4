namespace Recovery.Prevention.Audit;

/// <summary>
/// What became of one read. "Not installed" (the server has no such resource type) and "absent" (no such object)
/// are answers; "unreadable" is not, and audit never calls clean what it could not read.
/// </summary>
internal enum SourceState { Read, Absent, NotInstalled, Unreadable }

/// <param name="Decisive">False for reads that only colour a finding (kube-proxy's mode): an unreadable one does not
/// make "nothing found" unknown.</param>
internal sealed record SourceStatus(string Name, SourceState State, string Detail, bool Decisive = true)
{
    public string StateText => State switch
    {
        SourceState.Read => "read",
        SourceState.Absent => "absent",
        SourceState.NotInstalled => "not installed",
        _ => "could not read",
    };
}
