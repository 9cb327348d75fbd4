using System.Net;
using Recovery.Kubernetes;
using Recovery.Planning;
using Recovery.Planning.Phases;
using static Recovery.Tests.Planning.Cluster;

namespace Recovery.Tests.Planning;

/// <summary>
/// A claim whose owner is named (a controller that puts it back) gives that controller time before the final claims
/// check reads: in the lb-pool lab the check passed and MetalLB handed the address on two seconds later.
/// </summary>
public sealed class ClaimOwnerSettleTests
{
    private static ServiceClaim Claim(params ClaimOwner[] owners) =>
        new(new ServiceRef("default", "nginx-service"), [new AddressClaim(ClaimField.LoadBalancerIngress, Node1, Node1.ToString())], "kubectl on node2") { Owners = owners };

    private static ClaimsCheck ClaimsCheck(ServiceClaim claim) =>
        Planner.Create(Seed(), SeedFacts(), Intent(), "node2", Created, claims: [claim])
            .Phases.Single(p => p.Kind == PhaseKind.Verify).Steps.Single(s => s.Id == "verify/node2/no-service-claims").Action as ClaimsCheck ?? throw new InvalidOperationException("the claims step is not a claims check");

    [Fact]
    public void A_named_owner_gets_the_settle_time_before_the_claims_are_read()
    {
        var check = ClaimsCheck(Claim(new ClaimOwner("MetalLB", "annotation metallb.io/ip-allocated-from-pool", "take it out of the pool")));
        Assert.Equal(VerifyPhase.OwnerSettle, check.Settle);
    }

    [Fact]
    public void Without_an_owner_the_claims_are_read_at_once()
    {
        Assert.Equal(TimeSpan.Zero, ClaimsCheck(Claim()).Settle);
    }
}
