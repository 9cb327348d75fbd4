using System.Globalization;
using System.Text.RegularExpressions;

namespace Recovery.Planning.Summary;

/// <summary>Node names as a short list a console line can hold: runs of numbered names as ranges ("node2-node30").</summary>
internal static partial class NodeList
{
    /// <summary>Names beyond this many (after ranges) are counted, not listed.</summary>
    private const int MostListed = 6;

    public static string Compact(IEnumerable<string> names)
    {
        var all = names.Distinct(StringComparer.Ordinal).ToList();
        var parts = new List<(string Label, int Count)>();
        foreach (var group in all.Select(Split).GroupBy(n => n.Prefix, StringComparer.Ordinal))
        {
            var numbered = group.Where(n => n.Number is not null).OrderBy(n => n.Number).ToList();
            parts.AddRange(group.Where(n => n.Number is null).Select(n => (n.Name, 1)));
            for (var i = 0; i < numbered.Count;)
            {
                var end = i;
                while (end + 1 < numbered.Count && numbered[end + 1].Number == numbered[end].Number + 1) end++;
                if (end - i >= 2) parts.Add(($"{numbered[i].Name}-{numbered[end].Name}", end - i + 1));
                else parts.AddRange(numbered[i..(end + 1)].Select(n => (n.Name, 1)));
                i = end + 1;
            }
        }
        if (parts.Count <= MostListed) return string.Join(", ", parts.Select(p => p.Label));
        var shown = parts.Take(MostListed - 1).ToList();
        return $"{string.Join(", ", shown.Select(p => p.Label))} and {all.Count - shown.Sum(p => p.Count)} more";
    }

    private static (string Name, string Prefix, long? Number) Split(string name)
    {
        var m = Numbered().Match(name);
        return m.Success && long.TryParse(m.Groups[2].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && !m.Groups[2].Value.StartsWith('0')
            ? (name, m.Groups[1].Value, n)
            : (name, name, null);
    }

    [GeneratedRegex("^(.*?)([0-9]+)$")]
    private static partial Regex Numbered();
}
