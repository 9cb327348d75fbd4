using System.Net;
using System.Text.Json;

namespace Recovery.Facts.Parsing;

/// <summary>
/// `ip route get ADDR` answers, text or `-j`. Several commands may be chained (`ip route get A; ip route get B`):
/// each answer starts on a line of its own (continuation lines such as `    cache &lt;local&gt;` are indented).
/// Text forms: `local 10.77.0.11 dev lo src 10.77.0.11 uid 0` (the hijack, or the node's own address),
/// `10.77.0.13 dev eth0 src 10.77.0.12 uid 0` (unicast, the type word is omitted), `10.0.0.9 via 10.0.0.1 dev eth0 ...`.
/// </summary>
internal static class IpRouteGetOutput
{
    private static readonly HashSet<string> TypeWords = ["local", "unicast", "broadcast", "multicast", "unreachable", "prohibit", "blackhole", "throw", "nat", "anycast"];

    public static IReadOnlyList<RouteLookup> Parse(string output)
    {
        var result = new List<RouteLookup>();
        foreach (var rawLine in output.Split('\n'))
        {
            var line = rawLine.TrimEnd();
            if (line.Length == 0 || char.IsWhiteSpace(line[0])) continue;
            if (line.StartsWith('[')) result.AddRange(ParseJson(line));
            else if (ParseText(line) is { } route) result.Add(route);
        }
        return result;
    }

    /// <summary>One text answer line; null when the line is not a route (an error message, for example).</summary>
    public static RouteLookup? ParseText(string line)
    {
        var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0) return null;
        var type = "unicast";
        var index = 0;
        if (TypeWords.Contains(words[0]))
        {
            type = words[0];
            index = 1;
        }
        if (index >= words.Length || !IPAddress.TryParse(words[index], out var destination)) return null;
        return new RouteLookup(destination, type, ValueAfter(words, "dev"), ParseAddress(ValueAfter(words, "src")));
    }

    public static IReadOnlyList<RouteLookup> ParseJson(string json)
    {
        var result = new List<RouteLookup>();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new FormatException($"`ip -j route get` printed something that is not JSON: {e.Message}", e);
        }
        using (document)
        {
            foreach (var route in document.RootElement.EnumerateArray())
            {
                if (!route.TryGetProperty("dst", out var dst) || !IPAddress.TryParse(dst.GetString(), out var destination)) continue;
                var type = route.TryGetProperty("type", out var t) ? t.GetString() ?? "unicast" : "unicast";
                var device = route.TryGetProperty("dev", out var dev) ? dev.GetString() : null;
                var source = route.TryGetProperty("prefsrc", out var src) ? ParseAddress(src.GetString()) : null;
                result.Add(new RouteLookup(destination, type, device, source));
            }
        }
        return result;
    }

    private static string? ValueAfter(string[] words, string key)
    {
        var i = Array.IndexOf(words, key);
        return i >= 0 && i + 1 < words.Length ? words[i + 1] : null;
    }

    private static IPAddress? ParseAddress(string? text) => IPAddress.TryParse(text, out var a) ? a : null;
}
