namespace Recovery.Kubernetes.Discovery;

/// <summary>
/// Reads the etcd flags from kube-apiserver's argument list with pflag's rules: <c>--name=value</c> or
/// <c>--name value</c>, the last occurrence wins, names match exactly (<c>--etcd-servers-overrides</c> is another flag).
/// </summary>
internal static class ApiServerFlags
{
    public const string DefaultPrefix = "/registry";

    public static EtcdSettings FromArguments(IReadOnlyList<string> arguments, string source)
    {
        var flags = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < arguments.Count; i++)
        {
            var argument = arguments[i];
            if (argument == "--") break;
            if (!argument.StartsWith("--", StringComparison.Ordinal)) continue;
            var equals = argument.IndexOf('=');
            var name = equals < 0 ? argument[2..] : argument[2..equals];
            if (name is not ("etcd-servers" or "etcd-cafile" or "etcd-certfile" or "etcd-keyfile" or "etcd-prefix" or "advertise-address")) continue;
            if (equals >= 0) flags[name] = argument[(equals + 1)..];
            else if (i + 1 < arguments.Count) flags[name] = arguments[++i];
            else throw new DiscoveryException($"{source}: --{name} has no value");
        }

        if (!flags.TryGetValue("etcd-servers", out var servers) || servers.Trim().Length == 0)
        {
            throw new DiscoveryException($"{source}: no --etcd-servers flag (is this kube-apiserver? pass --etcd-endpoints instead)");
        }

        foreach (var (name, value) in flags)
        {
            if (value.Contains('$')) throw new DiscoveryException($"{source}: --{name}={value} refers to an environment variable kube-recover cannot resolve; pass the etcd options explicitly");
        }

        var endpoints = servers.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => Endpoint(s, source)).ToList();
        var prefix = flags.GetValueOrDefault("etcd-prefix") is { Length: > 0 } p ? p : DefaultPrefix;
        if (!prefix.StartsWith('/')) throw new DiscoveryException($"{source}: --etcd-prefix={prefix} does not start with '/'");
        return new EtcdSettings(endpoints, Path(flags, "etcd-cafile"), Path(flags, "etcd-certfile"), Path(flags, "etcd-keyfile"), prefix, source)
        {
            AdvertiseAddress = Path(flags, "advertise-address"),
        };
    }

    private static string? Path(Dictionary<string, string> flags, string name) => flags.GetValueOrDefault(name) is { Length: > 0 } v ? v : null;

    private static Uri Endpoint(string text, string source)
    {
        // etcd's client also accepts unix sockets; a tool reaching etcd from another node cannot use them.
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0)
        {
            throw new DiscoveryException($"{source}: etcd server '{text}' is not an http(s)://HOST:PORT URL");
        }

        return uri;
    }
}
