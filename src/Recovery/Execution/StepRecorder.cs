using Recovery.Access;
using Recovery.Planning;

namespace Recovery.Execution;

/// <summary>
/// The outcomes of one run and their journal records. Write-ahead: once the journal cannot take a record, no
/// step starts anywhere (a step whose start cannot be recorded must not act, or a resume could not know it acted).
/// </summary>
internal sealed class StepRecorder(Journal journal, IProgress<StepEvent>? progress)
{
    private readonly Dictionary<string, StepOutcome> outcomes = new(StringComparer.Ordinal);
    private readonly Lock gate = new();
    private volatile string? journalLost;

    public Journal Journal => journal;

    /// <summary>Why the journal stopped taking records; null while it works.</summary>
    public string? JournalLost => journalLost;

    public bool Has(string stepId)
    {
        lock (gate) return outcomes.ContainsKey(stepId);
    }

    public StepOutcome Outcome(string stepId)
    {
        lock (gate) return outcomes[stepId];
    }

    /// <summary>The ids of the steps recorded so far.</summary>
    public IReadOnlySet<string> Recorded()
    {
        lock (gate) return outcomes.Keys.ToHashSet(StringComparer.Ordinal);
    }

    public IReadOnlyList<StepOutcome> FailedExcept(IReadOnlySet<string> before)
    {
        lock (gate) return outcomes.Where(o => !before.Contains(o.Key) && o.Value.Status == StepStatus.Failed).Select(o => o.Value).ToList();
    }

    public void Started(PhaseKind phase, Step step) => progress?.Report(new StepEvent(phase, step.Node, step.Id, step.What, null, TimeSpan.Zero, null));

    /// <summary>A deferred step is reported, not recorded: it runs later in this run, or is recorded deferred at the end.</summary>
    public void Deferred(PhaseKind phase, Step step, string why) =>
        progress?.Report(new StepEvent(phase, step.Node, step.Id, step.What, StepStatus.Deferred, TimeSpan.Zero, why));

    public StepOutcome Record(PhaseKind phase, Step step, StepStatus status, TimeSpan elapsed, string detail, CommandResult? result = null)
    {
        var outcome = new StepOutcome(phase, step.Id, step.Node, status, elapsed, detail);
        lock (gate) outcomes[step.Id] = outcome;
        if (status is not (StepStatus.NotRun or StepStatus.Deferred) || journal.DoneBefore.Contains(step.Id))
        {
            // A lost result is safe (resume re-checks a step without one); the run stops at the next step.
            TryAppend(new JournalRecord(DateTimeOffset.UtcNow, journal.Run, JournalRecord.StepResult, phase, step.Id, step.Node, status,
                result?.ExitCode, result?.StdOut, result?.StdErr, (long)elapsed.TotalMilliseconds, detail));
        }
        progress?.Report(new StepEvent(phase, step.Node, step.Id, step.What, status, elapsed, detail));
        return outcome;
    }

    /// <returns>false when the journal could not take the record (then, and once it has failed before: nothing more is written).</returns>
    public bool TryAppend(JournalRecord record)
    {
        if (journalLost is not null) return false;
        try
        {
            journal.Append(record);
            return true;
        }
        catch (IOException e)
        {
            journalLost ??= $"{Path.Combine(journal.StateDir, Journal.JournalFileName)}: {e.Message}";
            return false;
        }
    }
}
