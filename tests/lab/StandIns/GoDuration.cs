using System.Globalization;
using System.Text.RegularExpressions;

namespace Lab.StandIns;

/// <summary>Go's time.ParseDuration for the forms configs and flags use: 1s, 500ms, 1m0s, 1h2m3.5s.</summary>
internal static partial class GoDuration
{
    public static TimeSpan Parse(string text, string what)
    {
        var parts = Part().Matches(text);
        if (parts.Count == 0 || string.Concat(parts.Select(m => m.Value)) != text)
            throw new StartupException($"{what} '{text}': expected a Go duration such as 1s, 500ms or 1m0s");
        var total = TimeSpan.Zero;
        foreach (Match m in parts)
        {
            var n = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            total += m.Groups[2].Value switch
            {
                "h" => TimeSpan.FromHours(n),
                "m" => TimeSpan.FromMinutes(n),
                "s" => TimeSpan.FromSeconds(n),
                "ms" => TimeSpan.FromMilliseconds(n),
                "us" or "µs" => TimeSpan.FromMicroseconds(n),
                _ => TimeSpan.FromTicks((long)(n / 100)),
            };
        }
        return total > TimeSpan.Zero ? total : throw new StartupException($"{what} '{text}': must be more than zero");
    }

    [GeneratedRegex(@"(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)")]
    private static partial Regex Part();
}
