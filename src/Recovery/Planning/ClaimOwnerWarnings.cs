using System.Net;
using Recovery.Kubernetes;

namespace Recovery.Planning;

/// <summary>The plan's warning for each owner that will put a claim back after the fix (<see cref="ClaimOwner"/>).</summary>
internal static class ClaimOwnerWarnings
{
    public static IEnumerable<string> For(IReadOnlyList<ServiceClaim>? claims, IReadOnlyCollection<IPAddress> addresses) =>
        (claims ?? []).Where(c => addresses.Any(c.Claims)).SelectMany(c => c.Owners.Select(o =>
            $"{o} will put the claim of {c.Service} back: pause/change it before or right after the fix ({o.Pause}); " +
            "the final check fails while the claim is back"));

    /// <summary>Whether the metadata names an owner of a claim on the addresses: the final claims check then gives it time to act.</summary>
    public static bool Owned(IReadOnlyList<ServiceClaim>? claims, IReadOnlyCollection<IPAddress> addresses) =>
        (claims ?? []).Any(c => addresses.Any(c.Claims) && c.Owners.Count > 0);
}
