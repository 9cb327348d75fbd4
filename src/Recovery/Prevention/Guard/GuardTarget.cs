using System.Net;
using Recovery.Addresses;
using Recovery.Prevention.Audit;

namespace Recovery.Prevention.Guard;

/// <summary>What the policy refuses: one guarded address, or an IPv4 CIDR given with --cidr; and why (its owner).</summary>
internal sealed record GuardTarget(IPAddress? Address, AddressRange? Range, string Owner)
{
    public string Text => Address?.ToString() ?? Range!.Text;
}
