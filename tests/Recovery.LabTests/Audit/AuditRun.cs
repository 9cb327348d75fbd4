using System.Text.Json;
using Recovery.LabTests.Recovery;

namespace Recovery.LabTests.Audit;

/// <summary>`kube-recover audit --json` from a node's console, polled until its answer settles (the API may be electing).</summary>
internal static class AuditRun
{
    public sealed record Result(int ExitCode, JsonElement Document, string Raw);

    public static async Task<Result> UntilAsync(LabFixture lab, string node, Func<Result, bool> settled, string what, params string[] args)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            var run = await KubeRecover.RunAsync(lab, node, ["audit", "--json", .. args]);
            Result? result = null;
            try
            {
                using var doc = JsonDocument.Parse(run.StdOut);
                result = new Result(run.ExitCode, doc.RootElement.Clone(), run.StdOut);
            }
            catch (JsonException)
            {
                // Not a document (yet): kubectl or the tool failed early; try again until the deadline.
            }
            if (result is not null && settled(result)) return result;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"audit on {node} never reached: {what}\nlast exit {run.ExitCode}\n--- stdout ---\n{run.StdOut}\n--- stderr ---\n{run.StdErr}");
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
    }

    /// <summary>"OBJECT FIELD ADDRESS EXPOSURE" of each finding.</summary>
    public static IReadOnlyList<string> Findings(Result r) => r.Document.GetProperty("findings").EnumerateArray()
        .Select(f => $"{f.GetProperty("object").GetString()} {f.GetProperty("field").GetString()} {f.GetProperty("address").GetString()} {f.GetProperty("exposure").GetString()}")
        .ToList();
}
