using System.Net;
using System.Text.Json;

namespace Recovery.Facts.Parsing;

/// <summary>One route of `ip route show table local`: `local 10.77.0.11 dev kube-ipvs0 proto kernel scope host src 10.77.0.11`.</summary>
internal sealed record LocalRoute(string Type, string Destination, string Device, IPAddress? Source)
{
    /// <summary>The route's single address, when the destination is a host route (no prefix or a full one).</summary>
    public IPAddress? HostAddress =>
        IPAddress.TryParse(Destination, out var a) ? a
        : IPNetwork.TryParse(Destination, out var n) && n.PrefixLength == (n.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128) ? n.BaseAddress
        : null;
}

/// <summary>`ip route show table local`, text or `-j`: which device each local address is routed to.</summary>
internal static class LocalRouteTable
{
    public static IReadOnlyList<LocalRoute> Parse(string output)
    {
        var text = output.TrimStart();
        if (text.StartsWith('[')) return ParseJson(text);
        var result = new List<LocalRoute>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length < 4) continue;
            var dev = Array.IndexOf(words, "dev");
            var src = Array.IndexOf(words, "src");
            if (dev < 0 || dev + 1 >= words.Length) continue;
            result.Add(new LocalRoute(words[0], words[1], words[dev + 1],
                src >= 0 && src + 1 < words.Length && IPAddress.TryParse(words[src + 1], out var s) ? s : null));
        }
        return result;
    }

    private static IReadOnlyList<LocalRoute> ParseJson(string json)
    {
        var result = new List<LocalRoute>();
        using var document = JsonDocument.Parse(json);
        foreach (var route in document.RootElement.EnumerateArray())
        {
            var type = route.TryGetProperty("type", out var t) ? t.GetString() ?? "unicast" : "unicast";
            var dst = route.TryGetProperty("dst", out var d) ? d.GetString() ?? "" : "";
            var dev = route.TryGetProperty("dev", out var v) ? v.GetString() ?? "" : "";
            var src = route.TryGetProperty("prefsrc", out var s) && IPAddress.TryParse(s.GetString(), out var a) ? a : null;
            result.Add(new LocalRoute(type, dst, dev, src));
        }
        return result;
    }
}
