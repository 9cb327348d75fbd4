using Recovery.Access;
using Recovery.Commands;

namespace Recovery.Planning;

/// <summary>What a probe's result must look like to hold.</summary>
internal enum ProbeExpectation
{
    /// <summary>Exit code 0.</summary>
    Succeeds,

    /// <summary>Any exit code but 0 (e.g. `systemctl is-active` of a stopped unit), except a command that timed out or could not be run at all.</summary>
    Fails,

    /// <summary>
    /// Nothing on stdout, whatever the exit code (`ip addr show dev kube-ipvs0 to A/32`: no such address, or no such
    /// device), except a command that timed out or could not be run at all: that proves nothing.
    /// </summary>
    PrintsNothing,

    /// <summary>Exit 0 and stdout contains <see cref="Probe.Text"/>.</summary>
    PrintsText,

    /// <summary>Exit 0 and stdout does not contain <see cref="Probe.Text"/> (`ip route get A` without `local `).</summary>
    LacksText,

    /// <summary>
    /// Exit 0 and no Service in the printed list (`kubectl get services -A -o json`) claims any of the addresses in
    /// <see cref="Probe.Text"/> (space-separated) by <see cref="Kubernetes.ServiceClaimRule"/>. An API that did not
    /// answer, or output that does not read as a list, proves nothing.
    /// </summary>
    NoServiceClaims,
}

/// <summary>A read-only command and the result that means "holds". Used for checks, verifies and guards.</summary>
internal sealed record Probe(NodeCommand Command, ProbeExpectation Expect, string? Text = null)
{
    public bool HoldsFor(CommandResult result) => Expect switch
    {
        ProbeExpectation.Succeeds => result.ExitCode == 0,
        // Only a command that ran and said no: 126/127 (not executable, not installed) and a timeout prove nothing.
        ProbeExpectation.Fails => result.ExitCode != 0 && Ran(result),
        ProbeExpectation.PrintsNothing => result.StdOut.Trim().Length == 0 && Ran(result),
        ProbeExpectation.PrintsText => result.ExitCode == 0 && result.StdOut.Contains(Text ?? "", StringComparison.Ordinal),
        ProbeExpectation.LacksText => result.ExitCode == 0 && !result.StdOut.Contains(Text ?? "", StringComparison.Ordinal),
        ProbeExpectation.NoServiceClaims => ApiAnswered(result) && ClaimsLeft(result) is { Count: 0 },
        _ => false,
    };

    /// <summary>Why a probe that reads claims did not hold, naming each claim and who puts it back; null for other probes.</summary>
    public string? WhyNot(CommandResult result)
    {
        if (Expect != ProbeExpectation.NoServiceClaims) return null;
        if (!ApiAnswered(result))
        {
            return $"the Service claims could not be read again (`{Command}` exit {result.ExitCode}: no API answered), so the fix is not confirmed: check `kubectl get services -A` yourself";
        }
        return ClaimsLeft(result) switch
        {
            null => $"`{Command}` printed no readable list of Services, so the fix is not confirmed",
            { Count: 0 } => null,
            var left => "a Service claims the address again: " + Named(left, ClaimedAddresses()!),
        };
    }

    /// <summary>Whether an API server answered a claims probe's list (kubectl exits non-zero when none did).</summary>
    public static bool ApiAnswered(CommandResult result) => result.ExitCode == 0 && Ran(result);

    /// <summary>The addresses a claims probe looks for (<see cref="Text"/>); null when they do not read.</summary>
    public IReadOnlyList<System.Net.IPAddress>? ClaimedAddresses()
    {
        var words = (Text ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var addresses = words.Select(w => System.Net.IPAddress.TryParse(w, out var a) ? a : null).OfType<System.Net.IPAddress>().ToList();
        return addresses.Count == 0 || addresses.Count != words.Length ? null : addresses;
    }

    /// <summary>Each claim on ADDRESSES, named with the fields that claim them and who puts it back.</summary>
    public static string Named(IEnumerable<Kubernetes.ServiceClaim> claims, IReadOnlyList<System.Net.IPAddress> addresses) =>
        string.Join("; ", claims.Where(c => addresses.Any(c.Claims)).Select(c =>
            $"{c.Service} ({string.Join(", ", addresses.SelectMany(c.FieldsClaiming).Distinct())}) " +
            (c.Owners.Count == 0 ? "put back by something its metadata does not name" : $"put back by {string.Join(", ", c.Owners)}: {string.Join("; ", c.Owners.Select(o => o.Pause))}")));

    /// <summary>The claims on <see cref="Text"/>'s addresses in the printed list; null when either does not read.</summary>
    private IReadOnlyList<Kubernetes.ServiceClaim>? ClaimsLeft(CommandResult result)
    {
        if (ClaimedAddresses() is not { } addresses) return null;
        try
        {
            return [.. Facts.KubectlServiceClaims.Parse(result.StdOut, "kubectl", addresses).Where(c => addresses.Any(c.Claims))];
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static bool Ran(CommandResult result) => !result.TimedOut && result.ExitCode is not (126 or 127);

    public static Probe Succeeds(NodeCommand command) => new(command, ProbeExpectation.Succeeds);
    public static Probe Fails(NodeCommand command) => new(command, ProbeExpectation.Fails);
    public static Probe PrintsNothing(NodeCommand command) => new(command, ProbeExpectation.PrintsNothing);
    public static Probe Prints(NodeCommand command, string text) => new(command, ProbeExpectation.PrintsText, text);
    public static Probe Lacks(NodeCommand command, string text) => new(command, ProbeExpectation.LacksText, text);
    public static Probe NoServiceClaims(NodeCommand command, IEnumerable<System.Net.IPAddress> addresses) => new(command, ProbeExpectation.NoServiceClaims, string.Join(' ', addresses));
}
