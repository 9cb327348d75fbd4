namespace Recovery.LabTests.Runbook;

/// <summary>One code block of a runbook: the heading it stands under, its first line's number, its lines as written.</summary>
public sealed record RunbookBlock(string Section, int Line, IReadOnlyList<string> Lines)
{
    /// <summary>The command lines, comments removed, blank lines dropped.</summary>
    public IReadOnlyList<string> Commands => Lines.Select(RunbookText.WithoutComment).Where(l => l.Length > 0).ToList();

    /// <summary>The block reduced to the one line whose comment is <paramref name="comment"/> (step 4 names each manager so).</summary>
    public RunbookBlock OnlyLineCommented(string comment)
    {
        var lines = Lines.Where(l => RunbookText.Comment(l) == comment).ToList();
        return lines.Count == 1
            ? this with { Lines = lines }
            : throw new InvalidOperationException($"expected one line commented '# {comment}' in the block at line {Line} ('{Section}'), found {lines.Count}");
    }

    /// <summary>The block with the runbook's example values replaced by the cluster's.</summary>
    public RunbookBlock For(RunbookPlaceholders example, RunbookPlaceholders actual) =>
        this with { Lines = Lines.Select(l => example.Replace(l, actual)).ToList() };
}
