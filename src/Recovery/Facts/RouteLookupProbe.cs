using System.Net;
using Recovery.Access;
using Recovery.Facts.Parsing;

namespace Recovery.Facts;

/// <summary>
/// `ip route get` for every address that must route off a node: one process per address, chained, so on a loaded node
/// the chain can outlast its limit. The answers it printed before the limit are kept, and only the addresses still
/// without an answer are asked again with the longer limit; an address that never answered is named as unknown,
/// never left out silently (a missing route is what a hijack looks like to a reader that counts them).
/// </summary>
internal static class RouteLookupProbe
{
    public static async Task<IReadOnlyList<RouteLookup>> ReadAsync(ProbeCommandRunner runner, IReadOnlyList<IPAddress> addresses,
        List<string> notes, List<string> unanswered, CancellationToken cancellationToken)
    {
        var first = await runner.FirstTryAsync(ProbeCommands.RouteGet(addresses), cancellationToken).ConfigureAwait(false);
        var routes = Parse(first, notes);
        if (!ProbeCommandRunner.Unanswered(first)) return routes;

        var missing = addresses.Where(a => !routes.Any(r => r.Destination.Equals(a))).ToList();
        if (missing.Count == 0) return routes;
        var second = await runner.SecondTryAsync(ProbeCommands.RouteGet(missing), cancellationToken).ConfigureAwait(false);
        routes = [.. routes, .. Parse(second, notes)];
        if (ProbeCommandRunner.Unanswered(second))
        {
            var unknown = addresses.Where(a => !routes.Any(r => r.Destination.Equals(a))).ToList();
            if (unknown.Count > 0) unanswered.Add($"ip route get {string.Join(", ", unknown)}: {runner.NoAnswer}");
        }
        return routes;
    }

    private static List<RouteLookup> Parse(CommandResult result, List<string> notes)
    {
        // A command cut off at its limit may have printed half a line: only whole lines count.
        var output = result.TimedOut ? result.StdOut[..(result.StdOut.LastIndexOf('\n') + 1)] : result.StdOut;
        // Some lookups may fail (no route: "RTNETLINK answers: Network is unreachable") while the others answer.
        if (!result.Succeeded && !result.TimedOut && result.StdErr.Trim().Length > 0)
        {
            notes.Add($"ip route get: {result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault()}");
        }
        return [.. IpRouteGetOutput.Parse(output)];
    }
}
