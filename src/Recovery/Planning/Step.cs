using Recovery.Commands;

namespace Recovery.Planning;

/// <summary>
/// One unit of work on one node. The runner does: <see cref="Guard"/> (does the step apply here at all; skipped if
/// not), <see cref="Check"/> (postcondition: holds = already done, skipped), act, then <see cref="Verify"/> (retried
/// within its budget). <see cref="Undo"/> is what puts back what the act changed, for the report and a human.
/// </summary>
/// <param name="Id">Stable, e.g. <c>contain/node2/stop-kube-proxy</c>; the journal and resume key on it.</param>
/// <param name="Node">Name of the inventory node the step runs on.</param>
/// <param name="What">One human sentence.</param>
/// <param name="Deferred">The node was unreachable at preflight: run when it becomes reachable, else hand it to the console.</param>
internal sealed record Step(
    string Id,
    string Node,
    string What,
    StepAction Action,
    Probe? Guard = null,
    Probe? Check = null,
    Verification? Verify = null,
    NodeCommand? Undo = null,
    bool Deferred = false);
