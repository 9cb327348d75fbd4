using System.Net;
using System.Text.Json.Nodes;

namespace Lab.StandIns.Proxy;

/// <summary>
/// The addresses that have IPVS virtual servers, standing in for the kernel's IPVS table (this kernel has no IPVS).
/// Like that table it lives in the node's network namespace and outlives kube-proxy (a restarted v1.20 kube-proxy
/// still unbinds an address whose virtual server it deletes): one blackhole route per address in routing table
/// <see cref="Table"/>, which no rule consults, so routing is untouched (`ip route show table 7001` lists it, as
/// `ipvsadm -Ln` would). Per address, not per address:port/protocol: an address keeps its virtual servers while any
/// Service claims it, which is when upstream keeps it bound.
/// </summary>
internal sealed class VirtualServerTable
{
    public const string Table = "7001";

    public async Task<HashSet<IPAddress>> ReadAsync(CancellationToken ct)
    {
        var servers = new HashSet<IPAddress>();
        foreach (var family in new[] { "-4", "-6" })
        {
            // A table that never held a route does not exist yet: nothing listed.
            var (code, output, _) = await IpvsInterface.RunAsync(["-j", family, "route", "show", "table", Table], ct);
            if (code != 0) continue;
            foreach (var route in JsonNode.Parse(output) as JsonArray ?? [])
                if (route?["dst"]?.ToString() is { } text && IPAddress.TryParse(text, out var ip))
                    servers.Add(ip);
        }
        return servers;
    }

    public Task<(int Code, string Output, string Error)> AddAsync(IPAddress ip, CancellationToken ct) =>
        IpvsInterface.RunAsync(["route", "replace", "blackhole", IpvsInterface.Cidr(ip), "table", Table], ct);

    public Task<(int Code, string Output, string Error)> DeleteAsync(IPAddress ip, CancellationToken ct) =>
        IpvsInterface.RunAsync(["route", "del", "blackhole", IpvsInterface.Cidr(ip), "table", Table], ct);
}
