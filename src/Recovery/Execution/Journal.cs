using Recovery.State;
using System.Text;
using System.Text.Json;
using Recovery.Inventory;
using Recovery.Planning;

namespace Recovery.Execution;

/// <summary>
/// The record of a recovery in its state directory: <c>plan.json</c> (the plan being executed) and
/// <c>journal.jsonl</c> (one JSON object per line per step start and result, flushed to disk after each one, so a
/// kill -9 loses at most the line being written). Resuming reads both: steps recorded done or skipped are not run
/// again; a step that started but has no result is run again from its check, which tells whether its act happened.
/// </summary>
internal sealed class Journal : IDisposable
{
    public const string JournalFileName = "journal.jsonl";
    public const string PlanFileName = "plan.json";
    public const int MaxOutput = 4096;

    private readonly Stream stream;
    private readonly HashSet<string> restoreBegun;
    private readonly Lock gate = new();
    // The file ended in a line torn by a crash: the first record starts on a new line, so the torn one cannot swallow it.
    private bool tornTail;

    private Journal(string stateDir, IReadOnlyList<JournalRecord> earlier, Stream? stream = null)
    {
        StateDir = stateDir;
        Run = $"run-{earlier.Select(r => r.Run).Distinct().Count() + 1}";
        DoneBefore = earlier.Where(r => r.Event == JournalRecord.StepResult && r.Status is StepStatus.Done or StepStatus.Skipped)
            .Select(r => r.Step!).ToHashSet(StringComparer.Ordinal);
        ActedBefore = earlier.Where(r => r.Event == JournalRecord.StepResult && r.Status is StepStatus.Done)
            .Select(r => r.Step!).ToHashSet(StringComparer.Ordinal);
        var finished = earlier.Where(r => r.Event == JournalRecord.StepResult).Select(r => r.Step).ToHashSet(StringComparer.Ordinal);
        UnfinishedBefore = earlier.Where(r => r.Event == JournalRecord.StepStart && !finished.Contains(r.Step) && !DoneBefore.Contains(r.Step!))
            .Select(r => r.Step!).ToHashSet(StringComparer.Ordinal);
        // Begun where a Restore step started: an interrupted or stopped run records every Restore step it never started
        // too, and those say nothing about kube-proxy on that node.
        restoreBegun = earlier.Where(r => r.Event == JournalRecord.StepStart && r.Phase == PhaseKind.Restore && r.Node is not null)
            .Select(r => r.Node!).ToHashSet(StringComparer.Ordinal);
        var path = Path.Combine(stateDir, JournalFileName);
        this.stream = stream ?? new FileStream(path, StateFile.WriteOptions(FileMode.Append));
        tornTail = stream is null && this.stream.Length > 0 && LastByte(path) != (byte)'\n';
    }

    /// <summary>A journal over <paramref name="stream"/> (tests: a device that fills up partway through a run).</summary>
    internal Journal(string stateDir, Stream stream) : this(stateDir, [], stream)
    {
    }

    public string StateDir { get; }

    /// <summary>This run's name in the journal: run-1, run-2 (after a resume), ...</summary>
    public string Run { get; }

    /// <summary>Steps an earlier run finished (done, or skipped because their postcondition held).</summary>
    public IReadOnlySet<string> DoneBefore { get; }

    /// <summary>Steps an earlier run did and verified (done): not those it skipped, e.g. a fix-first that got no answer.</summary>
    public IReadOnlySet<string> ActedBefore { get; }

    /// <summary>
    /// An earlier run finished this step and it stays finished: every step, except a node's Contain while its Restore
    /// has not begun. Until then kube-proxy must stay stopped there, and in between a supervisor may have started it,
    /// or the kubelet that restarts its container, again: such a step is checked again and, if need be, done again.
    /// </summary>
    public bool Settled(PhaseKind phase, Step step) =>
        DoneBefore.Contains(step.Id) && (phase != PhaseKind.Contain || restoreBegun.Contains(step.Node));

    /// <summary>Steps an earlier run started and never finished (crash, kill): re-checked before anything else.</summary>
    public IReadOnlySet<string> UnfinishedBefore { get; }

    /// <summary>Starts a new state directory with the plan. Refuses a directory that already holds a plan (use <see cref="Resume"/>).</summary>
    public static Journal Start(string stateDir, Plan plan)
    {
        StateFile.EnsureDirectory(stateDir);
        if (File.Exists(Path.Combine(stateDir, PlanFileName)))
        {
            throw new InvalidOperationException($"{stateDir} already holds a recovery ({PlanFileName}): continue it with --resume {stateDir}, or choose another --state-dir");
        }
        try
        {
            StateFile.WriteNew(stateDir, PlanFileName, Encoding.UTF8.GetBytes(PlanJson.Write(plan)));
            return new Journal(stateDir, []);
        }
        catch (IOException e) when (e is not StateDirectoryException)
        {
            // The write probe passed but the plan or the journal did not fit (a nearly full disk): no step has run.
            throw new StateDirectoryException($"state directory '{stateDir}' cannot be written ({e.Message}): the plan was not started. Free space or choose another with --state-dir DIR");
        }
    }

    /// <summary>Opens the state directory of an earlier run: its plan (validated like any plan file) and what it did.</summary>
    /// <exception cref="InvalidPlanException">plan.json is missing or not a valid plan for this inventory.</exception>
    public static Journal Resume(string stateDir, ClusterInventory inventory, out Plan plan)
    {
        var planPath = Path.Combine(stateDir, PlanFileName);
        if (!File.Exists(planPath)) throw new InvalidPlanException($"{stateDir} holds no {PlanFileName}: not the state directory of a recovery");
        plan = PlanJson.Read(File.ReadAllText(planPath), inventory);
        return new Journal(stateDir, ReadAll(stateDir));
    }

    /// <summary>
    /// Every record of the journal. A line cut short by a crash (kill -9 in the middle of a write) is skipped: losing
    /// a record is safe, because a step without a recorded result is checked again before anything is done.
    /// </summary>
    public static IReadOnlyList<JournalRecord> ReadAll(string stateDir)
    {
        var path = Path.Combine(stateDir, JournalFileName);
        if (!File.Exists(path)) return [];
        var records = new List<JournalRecord>();
        foreach (var line in File.ReadAllLines(path))
        {
            if (line.Length == 0) continue;
            try
            {
                if (JsonSerializer.Deserialize(line, JournalJsonContext.Default.JournalRecord) is { } record) records.Add(record);
            }
            catch (JsonException)
            {
                // A torn line.
            }
        }
        return records;
    }

    /// <summary>
    /// Steps some run of this state directory acted on (status done: its act ran and verified), e.g. the Contain steps
    /// whose kube-proxy must be started again by a later plan (<see cref="Planner.Create"/>'s stoppedEarlier).
    /// </summary>
    public static IReadOnlySet<string> ActedSteps(string stateDir) =>
        ReadAll(stateDir).Where(r => r.Event == JournalRecord.StepResult && r.Status == StepStatus.Done).Select(r => r.Step!).ToHashSet(StringComparer.Ordinal);

    /// <summary>Appends one record, secrets masked (a node's output may echo one), and flushes it to disk before returning.</summary>
    public void Append(JournalRecord record)
    {
        var trimmed = record with { StdOut = Trim(Masked(record.StdOut)), StdErr = Trim(Masked(record.StdErr)), Detail = Trim(Masked(record.Detail)) };
        var line = JsonSerializer.SerializeToUtf8Bytes(trimmed, JournalJsonContext.Default.JournalRecord);
        lock (gate)
        {
            if (tornTail) stream.WriteByte((byte)'\n');
            tornTail = false;
            stream.Write(line);
            stream.WriteByte((byte)'\n');
            if (stream is FileStream file) file.Flush(flushToDisk: true);
            else stream.Flush();
        }
    }

    public void Dispose()
    {
        try
        {
            stream.Dispose();
        }
        catch (IOException)
        {
            // A write that already failed (a full disk) was reported by Append; its buffer cannot be saved now.
        }
    }

    private static byte LastByte(string path)
    {
        using var reader = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        reader.Seek(-1, SeekOrigin.End);
        return (byte)reader.ReadByte();
    }

    // Masked before trimmed, so a cut never leaves half a secret.
    private static string? Masked(string? text) => text is null ? null : Logging.SecretMask.Mask(text);

    /// <summary>Keeps the head and the tail of a long output: the start says what ran, the end says how it failed.</summary>
    internal static string? Trim(string? text)
    {
        if (text is null || text.Length <= MaxOutput) return text;
        var half = MaxOutput / 2;
        return $"{text[..half]}\n[... {text.Length - MaxOutput} characters left out ...]\n{text[^half..]}";
    }
}
