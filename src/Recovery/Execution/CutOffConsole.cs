using Recovery.Diagnosis;
using Recovery.Inventory;
using Recovery.Planning;

namespace Recovery.Execution;

/// <summary>
/// A console no other node answers: the owner's when there is no way around the hijack (IPv6 off, another segment).
/// The nodes holding this node's address cannot be read, so nothing about them can be planned, and nothing done here
/// unlocks them (this node's own binding locks no one out; the Service cannot be fixed through an etcd member cut off
/// from its quorum). So recover changes nothing, never says "nothing to do", and says where the whole recovery does
/// run: at another node's console, which fixes itself first and then reaches every other node (or each node's script).
/// </summary>
internal static class CutOffConsole
{
    /// <param name="answered">the nodes that were read: where any other node was, the run goes on through it (the silent
    /// ones get deferred steps and the usual hand-off).</param>
    /// <param name="plan">the plan from what this console sees, made only when the hand-off applies (null: none could
    /// be made, e.g. no address is known): its changes on the silent nodes are spelled out for their consoles.</param>
    /// <returns>The hand-off to print (and exit 4 with), or null when this console can go on.</returns>
    public static IReadOnlyList<string>? HandOff(Findings findings, Node? local, IEnumerable<string> answered, Func<Plan?>? plan = null)
    {
        if (local is null || answered.Any(n => n != local.Name) || findings.Unreachable.Count == 0) return null;
        var silent = findings.Unreachable.Select(u => u.Node).ToList();
        var presumed = findings.Hijacked.Where(h => h.Owner == local.Name && h.PresumedOn.Count > 0).Select(h => h.Address.ToString()).ToList();
        var them = silent.Count == 1 ? "it" : "them";
        var lines = new List<string>
        {
            presumed.Count > 0
                ? $"{local.Name}'s own address {string.Join(", ", presumed)} is presumed hijacked on {string.Join(", ", silent)}, and nothing reaches {them} from this console:"
                : $"no other node answers this console, so nothing about {them} can be seen or planned from here (this is how {local.Name} looks when its own address is hijacked on {them}):",
        };
        lines.AddRange(findings.Unreachable.Select(u => $"  {u.Node}: {u.Reason}"));
        lines.Add("Nothing was changed on any node.");
        lines.Add($"Run the recovery at {silent[0]}'s console instead (its own address is not {local.Name}'s: it fixes itself first, then reaches every other node):");
        lines.Add("  kube-recover recover -i INVENTORY    (the same inventory and options as here)");
        lines.Add("or, at each node's console, that node's script from `kube-recover plan --format script -o DIR` made there.");
        lines.Add("From here, IPv6 link-local on the same segment would have reached them (IPv6 is needed on this node's interface and theirs, and sshd listening on IPv6, as OpenSSH does by default),");
        lines.Add("or a free address of this node's segment given with --spare-address IP (added here for the run after a check that nothing answers for it, removed after).");
        if (plan?.Invoke() is { IsEmpty: false, Intent.Addresses.Count: > 0 } made) lines.AddRange(Execution.HandOff.ByHand(made, silent));
        return lines;
    }
}
