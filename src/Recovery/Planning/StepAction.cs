using System.Net;
using System.Text.Json.Serialization;
using Recovery.Commands;
using Recovery.Kubernetes;

namespace Recovery.Planning;

/// <summary>What a step does. A closed set: shell commands, a wait, saving output, the two ways to fix a Service, and the check that the fix held.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(RunCommands), "run")]
[JsonDerivedType(typeof(Wait), "wait")]
[JsonDerivedType(typeof(SaveOutput), "saveOutput")]
[JsonDerivedType(typeof(KubectlFix), "kubectlFix")]
[JsonDerivedType(typeof(EtcdFix), "etcdFix")]
[JsonDerivedType(typeof(ClaimsCheck), "claimsCheck")]
internal abstract record StepAction;

/// <summary>Runs the commands in order on the step's node; the first that fails fails the step. Empty: a verify-only step.</summary>
internal sealed record RunCommands(IReadOnlyList<NodeCommand> Commands) : StepAction;

/// <summary>Waits (e.g. two kube-proxy sync periods before the final verify).</summary>
internal sealed record Wait(TimeSpan Duration) : StepAction;

/// <summary>Runs a read-only command and saves its stdout as <see cref="File"/> (a plain file name) in the state directory.</summary>
internal sealed record SaveOutput(NodeCommand Command, string File) : StepAction;

/// <summary>
/// Fixes the Service(s) claiming <see cref="Addresses"/> through kubectl on the first of <see cref="Candidates"/> whose
/// API answers. <see cref="Service"/> null: every Service that claims one of the addresses, found at run time.
/// The current object is read at run time (not at plan time, when no API answers), its YAML saved into the state
/// directory, then deleted, or patched with a JSON patch whose `test` operation fails if the object changed in between.
/// <see cref="EtcdFallback"/>: when no candidate's API answers, fix through etcd instead (--via auto).
/// </summary>
internal sealed record KubectlFix(
    ServiceRef? Service,
    FixAction Action,
    IReadOnlyList<IPAddress> Addresses,
    IReadOnlyList<KubectlCandidate> Candidates,
    TimeSpan RequestTimeout,
    bool EtcdFallback) : StepAction;

/// <summary>A control-plane node where kubectl is installed, and the kubeconfig it uses there (null: kubectl's default).</summary>
/// <param name="Program">kubectl's path where PATH has none (RKE2); null (and absent from plan JSON): `kubectl`.</param>
internal sealed record KubectlCandidate(string Node, string? Kubeconfig,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Program = null);

/// <summary>Fixes the Service(s) directly in etcd through <see cref="IEtcdServiceFixer"/> (--via etcd).</summary>
internal sealed record EtcdFix(ServiceRef? Service, FixAction Action, IReadOnlyList<IPAddress> Addresses) : StepAction;

/// <summary>
/// The claims read again after the fix and the restarts (a controller may have put one back): <see cref="List"/> on the
/// step's node, after <see cref="Settle"/> and retried within <see cref="Budget"/>, until no Service claims
/// <see cref="Addresses"/>; where no API answers there, etcd, when the run can read it (what every API server reads,
/// and no controller writes while none answers).
/// </summary>
internal sealed record ClaimsCheck(ServiceList List, IReadOnlyList<IPAddress> Addresses, TimeSpan Settle, TimeSpan Budget) : StepAction;
