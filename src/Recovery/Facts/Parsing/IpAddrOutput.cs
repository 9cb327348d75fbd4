using System.Net;
using System.Text.Json;

namespace Recovery.Facts.Parsing;

/// <summary>
/// Addresses from `ip -j addr show` (iproute2 4.14 and later) or, for older iproute2 without `-j`, from
/// `ip -o addr show` (one line per address: `2: eth0    inet 10.0.0.1/24 ... scope global eth0\ ...`).
/// The form is recognised from the first character, so the probe can run `ip -j addr show || ip -o addr show`.
/// </summary>
internal static class IpAddrOutput
{
    public static IReadOnlyList<InterfaceAddress> Parse(string output)
    {
        var text = output.TrimStart();
        return text.StartsWith('[') ? ParseJson(text) : ParseOneLine(text);
    }

    public static IReadOnlyList<InterfaceAddress> ParseJson(string json)
    {
        var result = new List<InterfaceAddress>();
        using var document = ParseDocument(json);
        foreach (var link in document.RootElement.EnumerateArray())
        {
            if (!link.TryGetProperty("ifname", out var ifname) || !link.TryGetProperty("addr_info", out var infos)) continue;
            foreach (var info in infos.EnumerateArray())
            {
                // Entries of a link without addresses can be `{}` in some iproute2 versions.
                if (!info.TryGetProperty("local", out var local) || !info.TryGetProperty("prefixlen", out var prefix)) continue;
                if (!IPAddress.TryParse(local.GetString(), out var address)) continue;
                result.Add(new InterfaceAddress(ifname.GetString() ?? "", address, prefix.GetInt32()));
            }
        }
        return result;
    }

    public static IReadOnlyList<InterfaceAddress> ParseOneLine(string text)
    {
        var result = new List<InterfaceAddress>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            // "3: kube-ipvs0    inet 10.77.0.11/32 scope global kube-ipvs0\       valid_lft forever ..."
            var words = line.Split([' ', '\t', '\\'], StringSplitOptions.RemoveEmptyEntries);
            if (words.Length < 4 || !words[0].EndsWith(':') || words[2] is not ("inet" or "inet6")) continue;
            var slash = words[3].IndexOf('/');
            var addressText = slash < 0 ? words[3] : words[3][..slash];
            var prefix = slash < 0 ? (words[2] == "inet" ? 32 : 128) : int.Parse(words[3][(slash + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            if (!IPAddress.TryParse(addressText, out var address)) continue;
            // "eth0@if4" in some versions: the interface name is before the '@'.
            var name = words[1].Split('@')[0];
            result.Add(new InterfaceAddress(name, address, prefix));
        }
        return result;
    }

    private static JsonDocument ParseDocument(string json)
    {
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new FormatException($"`ip -j addr show` printed something that is not JSON: {e.Message}", e);
        }
    }
}
