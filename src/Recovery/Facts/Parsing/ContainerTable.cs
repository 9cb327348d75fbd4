using System.Text.RegularExpressions;

namespace Recovery.Facts.Parsing;

/// <summary>A container from `docker ps` or `crictl ps`.</summary>
internal sealed record ContainerRow(string Id, string Name, string? State);

/// <summary>
/// The default tables of `docker ps` and `crictl ps`. Columns are separated by two or more spaces; a value never
/// holds two spaces in a row (CREATED is "3 days ago"). docker's PORTS column is often empty, so for docker the
/// name is the last column and the ID the first; crictl's NAME and STATE columns are found by their header.
/// </summary>
internal static partial class ContainerTable
{
    public static IReadOnlyList<ContainerRow> ParseDocker(string output)
    {
        var rows = new List<ContainerRow>();
        foreach (var line in DataLines(output, "CONTAINER ID"))
        {
            var cells = Columns().Split(line.Trim());
            if (cells.Length < 2) continue;
            rows.Add(new ContainerRow(cells[0], cells[^1], cells.FirstOrDefault(c => c.StartsWith("Up ", StringComparison.Ordinal) || c.StartsWith("Exited", StringComparison.Ordinal))));
        }
        return rows;
    }

    public static IReadOnlyList<ContainerRow> ParseCrictl(string output)
    {
        var lines = output.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0).ToList();
        var headerIndex = lines.FindIndex(l => l.StartsWith("CONTAINER", StringComparison.Ordinal));
        if (headerIndex < 0) return [];
        var header = Columns().Split(lines[headerIndex].Trim());
        var nameAt = Array.IndexOf(header, "NAME");
        var stateAt = Array.IndexOf(header, "STATE");
        var rows = new List<ContainerRow>();
        foreach (var line in lines.Skip(headerIndex + 1))
        {
            var cells = Columns().Split(line.Trim());
            if (nameAt < 0 || cells.Length <= nameAt) continue;
            rows.Add(new ContainerRow(cells[0], cells[nameAt], stateAt >= 0 && stateAt < cells.Length ? cells[stateAt] : null));
        }
        return rows;
    }

    private static IEnumerable<string> DataLines(string output, string header) =>
        output.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith(header, StringComparison.Ordinal));

    [GeneratedRegex(@"\s{2,}")]
    private static partial Regex Columns();
}
