using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;

namespace Lab.StandIns.Proxy;

/// <summary>
/// kube-ipvs0 through iproute2, as kube-proxy's netlink calls would change it: reads every interface's
/// addresses with `ip -j addr show`, binds with `ip addr add ADDR/32 dev kube-ipvs0` (/128 for IPv6),
/// unbinds with `ip addr del`. Runs in the network namespace of the process (the lab node's).
/// </summary>
internal sealed class IpvsInterface
{
    public const string Name = "kube-ipvs0";

    /// <summary>Addresses on kube-ipvs0, and those on any other interface (the node's own).</summary>
    public async Task<(HashSet<IPAddress> Bound, HashSet<IPAddress> Elsewhere, bool Exists)> ReadAsync(CancellationToken ct)
    {
        var (code, output, error) = await RunAsync(["-j", "addr", "show"], ct);
        if (code != 0)
            throw new InvalidOperationException($"ip -j addr show failed: {error.Trim()}");
        var bound = new HashSet<IPAddress>();
        var elsewhere = new HashSet<IPAddress>();
        var exists = false;
        foreach (var link in JsonNode.Parse(output) as JsonArray ?? [])
        {
            var onIpvs = link?["ifname"]?.ToString() == Name;
            exists |= onIpvs;
            foreach (var a in link?["addr_info"] as JsonArray ?? [])
                if (a?["local"]?.ToString() is { } text && IPAddress.TryParse(text, out var ip) && !ip.IsIPv6LinkLocal)
                    (onIpvs ? bound : elsewhere).Add(ip); // link-local addresses belong to the link, not to Services
        }
        return (bound, elsewhere, exists);
    }

    /// <summary>kube-proxy creates kube-ipvs0 as a dummy link; without the dummy driver a bridge left down serves (same local routes).</summary>
    public async Task EnsureExistsAsync(CancellationToken ct)
    {
        if ((await RunAsync(["link", "add", Name, "type", "dummy"], ct)).Code == 0)
            return;
        var (code, _, error) = await RunAsync(["link", "add", Name, "type", "bridge"], ct);
        if (code != 0)
            throw new InvalidOperationException($"cannot create {Name}: {error.Trim()}");
    }

    public Task<(int Code, string Output, string Error)> BindAsync(IPAddress ip, CancellationToken ct) =>
        RunAsync(["addr", "add", Cidr(ip), "dev", Name], ct);

    public Task<(int Code, string Output, string Error)> UnbindAsync(IPAddress ip, CancellationToken ct) =>
        RunAsync(["addr", "del", Cidr(ip), "dev", Name], ct);

    internal static string Cidr(IPAddress ip) =>
        ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"{ip}/128" : $"{ip}/32";

    internal static async Task<(int Code, string Output, string Error)> RunAsync(string[] args, CancellationToken ct)
    {
        var start = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
            start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start ip (iproute2)");
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return (process.ExitCode, await output, await error);
    }
}
