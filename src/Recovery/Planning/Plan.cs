using System.Text.Json.Serialization;

namespace Recovery.Planning;

/// <summary>
/// The recovery as data: read by a human, saved as JSON, executed exactly by the runner.
/// <see cref="FactsFingerprint"/> is <see cref="Planning.FactsFingerprint.Of"/> of the facts it was made from:
/// executing a saved plan first re-reads the facts and refuses when they drifted.
/// </summary>
internal sealed record Plan(
    string ApiVersion,
    string Kind,
    DateTimeOffset Created,
    string LocalNode,
    RecoveryIntent Intent,
    string FactsFingerprint,
    IReadOnlyList<Phase> Phases,
    IReadOnlyList<string> Notes,
    IReadOnlyList<string> Warnings)
{
    // v2: node commands are typed records ({"type": "unitStop", "unit": ...}), no longer argv arrays.
    public const string CurrentApiVersion = "kube-recover/v2";
    public const string PlanKind = "Plan";

    /// <summary>The whole recovery, or stage 1 of a local-first one; written only when not the whole.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public PlanScope Scope { get; init; }

    /// <summary>Executing it finishes the recovery; false: the rest is planned after it, from new facts (Terraform's "complete").</summary>
    [JsonIgnore]
    public bool Complete => Scope == PlanScope.Full;

    [JsonIgnore]
    public bool IsEmpty => Phases.All(p => p.Steps.Count == 0);

    [JsonIgnore]
    public IEnumerable<Step> Steps => Phases.SelectMany(p => p.Steps);
}
