using Recovery.Access;
using Recovery.Kubernetes;

namespace Recovery.Prevention.Audit;

/// <summary>One `kubectl get ... -o json` and how it ended, told apart by kubectl's own messages.</summary>
internal sealed record KubectlRead(SourceState State, string Json, string Detail)
{
    public static KubectlRead From(CommandResult result)
    {
        if (result.Succeeded) return new KubectlRead(SourceState.Read, result.StdOut, "");
        var message = FirstLine(result);
        // kubectl: `error: the server doesn't have a resource type "ipaddresspools"` (discovery knows no such type).
        if (result.StdErr.Contains("doesn't have a resource type", StringComparison.Ordinal)) return new KubectlRead(SourceState.NotInstalled, "", message);
        // API server: `Error from server (NotFound): configmaps "config" not found` (also for a missing namespace).
        if (result.StdErr.Contains("(NotFound)", StringComparison.Ordinal)) return new KubectlRead(SourceState.Absent, "", message);
        return new KubectlRead(SourceState.Unreadable, "", result.TimedOut ? $"timed out ({message})" : message);
    }

    private static string FirstLine(CommandResult r)
    {
        var text = (r.StdErr.Length > 0 ? r.StdErr : r.StdOut).Trim();
        var line = text.Split('\n')[0].Trim();
        return line.Length > 0 ? line : $"kubectl exit code {r.ExitCode}";
    }
}
