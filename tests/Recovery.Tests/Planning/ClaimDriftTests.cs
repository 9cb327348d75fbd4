using System.Net;
using Recovery.Diagnosis;
using Recovery.Kubernetes;
using Recovery.Planning;
using static Recovery.Tests.Planning.Cluster;

namespace Recovery.Tests.Planning;

/// <summary>
/// `recover --plan FILE` runs a plan only while the facts it was made from still hold: the Service claims on its
/// addresses are among those facts (a claim that moved, appeared or went away needs another fix).
/// </summary>
public sealed class ClaimDriftTests
{
    private static ServiceClaim Claim(string name, ClaimField field, IPAddress address) =>
        new(new ServiceRef("default", name), [new AddressClaim(field, address, address.ToString())], "kubectl on node2");

    private static Plan PlanWith(params ServiceClaim[] claims) =>
        Planner.Create(Seed(), SeedFacts(), Intent(), "node2", Created, claims: claims);

    /// <summary>What RecoverCommand computes from a fresh survey before it runs a saved plan.</summary>
    private static string Now(Plan plan, params ServiceClaim[] claims) => FactsFingerprint.Of(SeedFacts(), claims, plan.Intent.Addresses);

    [Fact]
    public void The_same_claims_are_no_drift()
    {
        var plan = PlanWith(Claim("nginx-service", ClaimField.ExternalIPs, Node1));
        Assert.Equal(plan.FactsFingerprint, Now(plan, Claim("nginx-service", ClaimField.ExternalIPs, Node1) with { Source = "etcd" }));
    }

    [Fact]
    public void A_claim_that_changed_since_plan_is_drift()
    {
        var plan = PlanWith(Claim("nginx-service", ClaimField.ExternalIPs, Node1));

        Assert.NotEqual(plan.FactsFingerprint, Now(plan, Claim("nginx-service", ClaimField.LoadBalancerIngress, Node1))); // moved field
        Assert.NotEqual(plan.FactsFingerprint, Now(plan, Claim("other", ClaimField.ExternalIPs, Node1))); // another Service
        Assert.NotEqual(plan.FactsFingerprint, Now(plan, Claim("nginx-service", ClaimField.ExternalIPs, Node1), Claim("lb", ClaimField.LoadBalancerIP, Node1)));
        Assert.NotEqual(plan.FactsFingerprint, Now(plan)); // gone
    }

    [Fact]
    public void Claims_on_addresses_the_plan_does_not_fix_are_not_drift_and_no_claims_keep_the_old_fingerprint()
    {
        var plan = PlanWith(Claim("nginx-service", ClaimField.ExternalIPs, Node1));
        var elsewhere = Claim("legit", ClaimField.ExternalIPs, IPAddress.Parse("10.0.0.250"));
        Assert.Equal(plan.FactsFingerprint, Now(plan, Claim("nginx-service", ClaimField.ExternalIPs, Node1), elsewhere));
        Assert.Equal(FactsFingerprint.Of(SeedFacts()), SeedPlan().FactsFingerprint);
    }
}
