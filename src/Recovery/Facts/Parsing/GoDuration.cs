using System.Globalization;
using System.Text.RegularExpressions;

namespace Recovery.Facts.Parsing;

/// <summary>Go's time.Duration text ("30s", "1m0s", "500ms", "1h2m3.5s"), as Kubernetes configs and flags write it.</summary>
internal static partial class GoDuration
{
    public static TimeSpan? TryParse(string text)
    {
        var value = text.Trim().Trim('"', '\'');
        if (value.Length == 0 || !Whole().IsMatch(value)) return null;
        var total = TimeSpan.Zero;
        foreach (Match part in Part().Matches(value))
        {
            var number = double.Parse(part.Groups[1].Value, CultureInfo.InvariantCulture);
            total += part.Groups[2].Value switch
            {
                "h" => TimeSpan.FromHours(number),
                "m" => TimeSpan.FromMinutes(number),
                "s" => TimeSpan.FromSeconds(number),
                "ms" => TimeSpan.FromMilliseconds(number),
                "us" or "µs" => TimeSpan.FromTicks((long)(number * 10)),
                _ => TimeSpan.FromTicks((long)(number / 100)),
            };
        }
        return total;
    }

    [GeneratedRegex(@"^([0-9]+(\.[0-9]+)?(h|ms|m|s|us|µs|ns))+\z")]
    private static partial Regex Whole();

    [GeneratedRegex(@"([0-9]+(?:\.[0-9]+)?)(h|ms|m|s|us|µs|ns)")]
    private static partial Regex Part();
}
