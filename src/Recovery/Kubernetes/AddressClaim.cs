using System.Net;

namespace Recovery.Kubernetes;

/// <summary>One address a Service claims: the field, the address as Kubernetes reads it, and the text as written.</summary>
internal sealed record AddressClaim(ClaimField Field, IPAddress Address, string Text)
{
    /// <summary>The field's path in the Service, as reports and saved facts name it.</summary>
    public string FieldPath => ServiceClaimRule.PathOf(Field);

    /// <summary>The entry's position in its field as written (0 for the single-valued loadBalancerIP).</summary>
    public int Index { get; init; }
}
