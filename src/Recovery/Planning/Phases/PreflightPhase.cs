using System.Net;
using Recovery.Commands;
using Recovery.Facts;
using Recovery.Inventory;
using Recovery.Kubernetes;

namespace Recovery.Planning.Phases;

/// <summary>Phase 1: save each node's addresses and local routes before anything changes.</summary>
internal static class PreflightPhase
{
    public static IEnumerable<Step> Steps(Node n)
    {
        yield return new Step($"preflight/{n.Name}/save-addresses", n.Name, "Save `ip addr show` into the state directory",
            new SaveOutput(new AddressList(), $"{n.Name}.addresses.before.txt"));
        yield return new Step($"preflight/{n.Name}/save-local-routes", n.Name, "Save `ip route show table local` into the state directory",
            new SaveOutput(new LocalRouteList(), $"{n.Name}.local-routes.before.txt"));
    }
}
