using System.CommandLine;
using System.CommandLine.Parsing;
using Recovery.Diagnosis;
using Recovery.Facts;
using Recovery.Inventory;
using Recovery.Kubernetes;
using Recovery.Logging;
using Recovery.Planning;

namespace Recovery.Cli.Commands;

/// <summary>Options shared by `plan` and `recover`, and the request they make of the planner.</summary>
internal sealed class PlanOptions
{
    public Option<TimeSpan?> SyncPeriod { get; } = new("--sync-period")
    {
        Description = "kube-proxy's sync period, e.g. 30s (default: read from kube-proxy's config, else 30s); the final check waits two of them",
        HelpName = "DURATION",
        CustomParser = ParseDuration,
    };

    public Option<bool> Detail { get; } = new("--detail") { Description = "Every step with its exact commands, after the one-screen summary (plan files and JSON always have them)" };

    public Option<FileInfo?> Snapshot { get; } = new("--etcd-snapshot") { Description = "Before the first etcd write, save an etcd snapshot to FILE (mode 0600)", HelpName = "FILE" };

    /// <summary>What the operator asked for; the library decides the rest from the facts.</summary>
    public PlanRequest Request(ParseResult parse, GlobalOptions global) => new(
        parse.GetValue(global.Addresses) ?? [],
        parse.GetValue(global.Services) is { Length: > 0 } services ? services : null,
        parse.GetValue(global.Action),
        parse.GetValue(global.Via),
        parse.GetValue(SyncPeriod));

    private static TimeSpan? ParseDuration(ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        var match = System.Text.RegularExpressions.Regex.Match(text, @"^([0-9]{1,4})(ms|s|m)\z");
        if (match.Success)
        {
            var n = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            var span = match.Groups[2].Value switch { "ms" => TimeSpan.FromMilliseconds(n), "s" => TimeSpan.FromSeconds(n), _ => TimeSpan.FromMinutes(n) };
            if (span > TimeSpan.Zero && span <= TimeSpan.FromMinutes(10)) return span;
        }
        result.AddError($"--sync-period: '{SafeText.Of(text)}' is not a duration; expected e.g. 1s, 30s or 2m (up to 10m)");
        return null;
    }
}
