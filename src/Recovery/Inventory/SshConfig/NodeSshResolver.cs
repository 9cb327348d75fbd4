using System.Globalization;
using System.Text;

namespace Recovery.Inventory.SshConfig;

/// <summary>
/// The one place SSH settings are resolved per host. For a node: command line &gt; inventory file's ssh block (both in
/// <see cref="SshSettings.Given"/>) &gt; ~/.ssh/config for the node's name or address (first obtained value wins,
/// IdentityFile accumulates, as ssh_config(5) says) &gt; defaults. A ProxyJump hop, as ssh treats it, is its own host:
/// user and port from the hop (`user@host:port`), else its own Host block, else root and 22; keys, known_hosts and
/// the host-key policy as for a node. StrictHostKeyChecking never weakens the host-key check below accept-new.
/// </summary>
internal sealed class NodeSshResolver(SshSettings given, SshConfigFile config, string home, string localUser)
{
    private const int MaxJumpDepth = 8;

    public static NodeSshResolver Without(SshSettings given) => new(given, SshConfigFile.Empty, HomePath.Directory, Environment.UserName);

    /// <exception cref="InventoryException">A value that cannot be used (an unknown %token, a HostName that is no host, a ProxyJump loop), with file:line.</exception>
    public NodeSsh For(Node node)
    {
        var (ssh, hostName) = Resolve([node.Name, node.Address.ToString()], hop: null, depth: 0);
        // The node's address is the inventory's (or discovery's): a HostName pointing elsewhere is named, not followed.
        return hostName is not null && hostName.Value != node.Name && hostName.Value != node.Address.ToString()
            ? ssh with { Warnings = [.. ssh.Warnings, $"HostName {hostName.Value} ({hostName.Origin}) is not used for {node.Name}: its address {node.Address} (inventory) is"] }
            : ssh;
    }

    private sealed record Resolved(NodeSsh Ssh, Valued? HostName);

    private sealed record Valued(string Value, string Origin);

    private Resolved Resolve(IReadOnlyList<string> names, JumpSpec? hop, int depth)
    {
        var lines = config.For(names).ToList();
        var origins = new List<string>();
        var warnings = new List<string>();
        Valued? First(string keyword) => lines.FirstOrDefault(l => l.Keyword == keyword) is { } l ? new Valued(l.Args[0], l.Origin) : null;
        string? Given(SshField field) => hop is null || field is not (SshField.User or SshField.Port) ? given.Given.GetValueOrDefault(field) : null;

        var settings = given;
        // User and port: the ProxyJump hop's own, else what the operator gave (nodes only), else the config's, else the default.
        var user = hop?.User is { } hopUser ? new Valued(hopUser, "ProxyJump")
            : Given(SshField.User) is { } userFrom ? new Valued(given.User, userFrom)
            : First("user") ?? new Valued(hop is null ? given.User : "root", "default");
        settings = settings with { User = user.Value };
        origins.Add($"user {user.Value} ({user.Origin})");
        var port = hop?.Port is { } hopPort ? new Valued(Text(hopPort), "ProxyJump")
            : Given(SshField.Port) is { } portFrom ? new Valued(Text(given.Port), portFrom)
            : First("port") ?? new Valued(Text(hop is null ? given.Port : 22), "default");
        settings = settings with { Port = int.Parse(port.Value, CultureInfo.InvariantCulture) };
        origins.Add($"port {port.Value} ({port.Origin})");

        var hostName = First("hostname") is { } h ? h with { Value = Expand(h, names[0], names[0], settings) } : null;
        if (hostName is not null && !JumpSpec.IsHost(hostName.Value))
            throw Error(hostName.Origin, "HostName", $"'{Logging.SafeText.Of(hostName.Value)}' is not a host name or address");
        var remote = hostName?.Value ?? names[0];

        IReadOnlyList<string> identities = [];
        if (Given(SshField.IdentityFile) is { } identityFrom)
        {
            origins.Add($"identity {given.IdentityFile} ({identityFrom})");
        }
        // `IdentityFile none` (ssh: no key files) leaves the defaults, as no line would.
        else if (lines.Where(l => l.Keyword == "identityfile" && !IsNone(l.Args[0])).ToList() is { Count: > 0 } identityLines)
        {
            identities = [.. identityLines.Select(l => HomePath.Expand(Expand(new Valued(l.Args[0], l.Origin), remote, names[0], settings), home))];
            origins.AddRange(identityLines.Select((l, i) => $"identity {identities[i]} ({l.Origin})"));
        }
        else
        {
            origins.Add(given.IdentityFile is null ? "identity: the default keys (default)" : $"identity {given.IdentityFile} (default)");
        }

        if (Given(SshField.KnownHosts) is { } knownFrom)
        {
            origins.Add($"known hosts {given.KnownHostsFile} ({knownFrom})");
        }
        else if (lines.FirstOrDefault(l => l.Keyword == "userknownhostsfile") is { } known)
        {
            // ssh reads every file listed and writes to the first; one file is checked here, so the others are named.
            var file = HomePath.Expand(Expand(new Valued(known.Args[0], known.Origin), remote, names[0], settings), home);
            if (IsNone(file) || file == "/dev/null")
            {
                // With StrictHostKeyChecking no this is the usual "trust every key": host keys are checked here all the same.
                warnings.Add($"UserKnownHostsFile {file} ({known.Origin}) is not used: kube-recover checks host keys against {settings.KnownHostsFile ?? "~/.ssh/known_hosts"}");
            }
            else
            {
                settings = settings with { KnownHostsFile = file };
                origins.Add($"known hosts {file} ({known.Origin})");
                if (known.Args.Count > 1) warnings.Add($"UserKnownHostsFile at {known.Origin} lists {known.Args.Count} files: only the first, {file}, is read and written");
            }
        }

        if (Given(SshField.AcceptNewHostKeys) is { } acceptFrom)
        {
            origins.Add($"new host keys accepted ({acceptFrom})");
        }
        else if (First("stricthostkeychecking") is { } strict)
        {
            var value = strict.Value.ToLowerInvariant();
            var acceptNew = value is "accept-new" or "no" or "false" or "off";
            settings = settings with { AcceptNewHostKeys = acceptNew };
            origins.Add($"StrictHostKeyChecking {strict.Value} ({strict.Origin})");
            if (value is "no" or "false" or "off")
                warnings.Add($"StrictHostKeyChecking {strict.Value} ({strict.Origin}) is taken as accept-new: an unknown host key is recorded, but a changed, revoked or another node's key is still refused (the hijack shows as exactly that)");
            if (value == "ask")
                warnings.Add($"StrictHostKeyChecking ask ({strict.Origin}) is taken as yes: kube-recover does not ask per key; an unknown host key is refused with its fingerprint");
        }

        var jumps = Jumps(lines, depth);
        if (jumps.Count > 0) origins.Add($"through {string.Join(", ", jumps.Select(j => j.ToString()))} ({First("proxyjump")!.Origin})");
        return new Resolved(new NodeSsh(settings, identities, jumps, origins, warnings), hostName);
    }

    private List<JumpHost> Jumps(List<SshConfigLine> lines, int depth)
    {
        if (lines.FirstOrDefault(l => l.Keyword == "proxyjump") is not { } line) return [];
        if (depth >= MaxJumpDepth) throw Error(line.Origin, "ProxyJump", $"jump hosts lead through more than {MaxJumpDepth} hops; expected a chain without a loop (a ProxyJump under Host * applies to the jump host too: give it `ProxyJump none` in its own Host block above)");
        var chain = JumpSpec.ParseChain(line.Args[0]);
        var hops = new List<JumpHost>();
        for (var i = 0; i < chain.Count; i++)
        {
            var hop = Resolve([chain[i].Host], chain[i], depth + 1);
            // As ssh -J: the first hop is reached the way its own Host block says (its ProxyJump too); the later hops through the chain.
            if (i == 0) hops.AddRange(hop.Ssh.Jumps);
            hops.Add(new JumpHost(chain[i].Host, hop.HostName?.Value ?? chain[i].Host, hop.Ssh with { Jumps = [] }));
        }
        return hops;
    }

    // ssh_config(5) TOKENS: the ones that mean something for a key or known_hosts path here.
    private string Expand(Valued value, string remoteHost, string original, SshSettings settings)
    {
        var text = value.Value;
        var result = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '%')
            {
                result.Append(text[i]);
                continue;
            }
            if (++i >= text.Length) throw Error(value.Origin, "token", $"'{Logging.SafeText.Of(text)}' ends with a lone %; expected %% for a literal %");
            result.Append(text[i] switch
            {
                '%' => "%",
                'd' => home,
                'h' => remoteHost,
                'n' => original,
                'r' => settings.User,
                'u' => localUser,
                'p' => Text(settings.Port),
                _ => throw Error(value.Origin, "token", $"%{text[i]} in '{Logging.SafeText.Of(text)}' is not supported; expected %%, %d, %h, %n, %p, %r or %u"),
            });
        }
        return result.ToString();
    }

    private static bool IsNone(string value) => value.Equals("none", StringComparison.OrdinalIgnoreCase);

    private static string Text(int number) => number.ToString(CultureInfo.InvariantCulture);

    private static InventoryException Error(string origin, string field, string problem)
    {
        var colon = origin.LastIndexOf(':');
        return colon > 0 && long.TryParse(origin[(colon + 1)..], out var line)
            ? new InventoryException([new InventoryError(origin[..colon], line, field, problem)])
            : new InventoryException([new InventoryError(origin, 0, field, problem)]);
    }
}
