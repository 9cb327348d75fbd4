using System.Globalization;
using System.Text.RegularExpressions;

namespace Lab.StandIns.Storage;

/// <summary>meta/v1 Time as JSON: RFC 3339 in UTC, fractional seconds only when there are nanoseconds.</summary>
internal static partial class KubeTime
{
    public static string Format(long seconds, int nanos)
    {
        var text = DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        if (nanos != 0)
            text += "." + nanos.ToString("D9", CultureInfo.InvariantCulture).TrimEnd('0');
        return text + "Z";
    }

    public static bool TryParse(string text, out long seconds, out int nanos)
    {
        seconds = 0;
        nanos = 0;
        var m = Rfc3339().Match(text);
        if (!m.Success)
            return false;
        if (!DateTimeOffset.TryParseExact(m.Groups[1].Value + (m.Groups[3].Value == "Z" ? "+00:00" : m.Groups[3].Value),
                "yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
            return false;
        seconds = at.ToUnixTimeSeconds();
        if (m.Groups[2].Success)
            nanos = int.Parse(m.Groups[2].Value[1..].PadRight(9, '0')[..9], CultureInfo.InvariantCulture);
        return true;
    }

    public static string Now() => Format(DateTimeOffset.UtcNow.ToUnixTimeSeconds(), 0);

    [GeneratedRegex(@"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d{1,9})?(Z|[+-]\d\d:\d\d)$")]
    private static partial Regex Rfc3339();
}
