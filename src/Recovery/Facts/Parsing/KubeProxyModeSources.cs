using YamlDotNet.RepresentationModel;

namespace Recovery.Facts.Parsing;

/// <summary>The places kube-proxy's mode can be read from: its /proxyMode endpoint, its flags, its config file.</summary>
internal static class KubeProxyModeSources
{
    /// <summary>kube-proxy's default on Linux when `mode` is empty or absent.</summary>
    public const string DefaultMode = "iptables";

    private static readonly HashSet<string> KnownModes = ["ipvs", "iptables", "nftables", "userspace", "kernelspace"];

    /// <summary>
    /// The answer of `GET http://127.0.0.1:10249/proxyMode`: the bare body from curl ("ipvs"), or a whole HTTP/1.0
    /// response when read through bash's /dev/tcp. Null when it is not a mode.
    /// </summary>
    public static string? ParseProxyModeResponse(string response)
    {
        var body = response;
        if (body.StartsWith("HTTP/", StringComparison.Ordinal))
        {
            if (!body.Split('\n')[0].Contains(" 200 ", StringComparison.Ordinal)) return null;
            var end = body.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            body = end < 0 ? "" : body[(end + 4)..];
        }
        var mode = body.Trim();
        return KnownModes.Contains(mode) ? mode : null;
    }

    /// <summary>`mode:` of a KubeProxyConfiguration (kubeadm's config.conf, a binary install's kube-proxy-config.yaml).</summary>
    /// <returns>The mode, <see cref="DefaultMode"/> for an empty one, null when the text is not a KubeProxyConfiguration.</returns>
    public static string? ParseConfigMode(string yaml)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlDotNet.Core.YamlException)
        {
            return null;
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root) return null;
        if (!root.Children.TryGetValue(new YamlScalarNode("kind"), out var kind) || kind.ToString() != "KubeProxyConfiguration") return null;
        if (!root.Children.TryGetValue(new YamlScalarNode("mode"), out var mode) || mode is not YamlScalarNode scalar) return DefaultMode;
        return string.IsNullOrWhiteSpace(scalar.Value) ? DefaultMode : scalar.Value.Trim();
    }

    /// <summary>`ipvs.syncPeriod` of a KubeProxyConfiguration (a Go duration such as "30s" or "1m0s"); null when absent or unreadable.</summary>
    public static TimeSpan? ParseConfigSyncPeriod(string yaml)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlDotNet.Core.YamlException)
        {
            return null;
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root) return null;
        if (!root.Children.TryGetValue(new YamlScalarNode("ipvs"), out var ipvs) || ipvs is not YamlMappingNode ipvsMap) return null;
        if (!ipvsMap.Children.TryGetValue(new YamlScalarNode("syncPeriod"), out var period) || period is not YamlScalarNode { Value: { } text }) return null;
        return GoDuration.TryParse(text);
    }

    /// <summary>Value of a `--name=value` or `--name value` flag in an argv; null when absent.</summary>
    public static string? Flag(IReadOnlyList<string> argv, string name)
    {
        var prefix = $"--{name}=";
        for (var i = 0; i < argv.Count; i++)
        {
            if (argv[i].StartsWith(prefix, StringComparison.Ordinal)) return argv[i][prefix.Length..].Trim('"', '\'');
            if (argv[i] == $"--{name}" && i + 1 < argv.Count) return argv[i + 1].Trim('"', '\'');
        }
        return null;
    }
}
