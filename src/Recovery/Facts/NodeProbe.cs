using System.Net;
using Recovery.Access;
using Recovery.Facts.Parsing;
using Recovery.Inventory;

namespace Recovery.Facts;

/// <summary>
/// Reads the facts of one node through its shell, read-only. The independent commands run at the same time
/// (identity, addresses, routes, processes, systemd units, files, tools, containers, /proxyMode, and one TCP check per
/// control-plane port); a second round reads kube-proxy's config file when /proxyMode did not answer. A command
/// that fails or a tool that is missing becomes a note in <see cref="NodeFacts.Notes"/>; only losing the shell
/// itself (an exception from <see cref="INodeShell.RunAsync"/>) escapes, and the caller reports that node as unreachable.
/// </summary>
public sealed class NodeProbe(ClusterInventory inventory)
{
    public static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(8);
    public const int ApiPort = 6443;
    public const int EtcdPort = 2379;

    /// <summary>Seconds a TCP check waits for a connection.</summary>
    public const int ConnectSeconds = 2;

    /// <summary>Commands in flight on one node at once: OpenSSH's MaxSessions allows 10 channels per connection by default.</summary>
    public const int MaxConcurrentCommands = 8;

    public async Task<NodeFacts> ProbeAsync(INodeShell shell, CancellationToken cancellationToken = default)
    {
        var notes = new List<string>();
        using var gate = new SemaphoreSlim(MaxConcurrentCommands);
        async Task<CommandResult> Run(ShellCommand command)
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return await shell.RunAsync(command, CommandTimeout, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                gate.Release();
            }
        }

        var identity = Run(ProbeCommands.Identity);
        var addresses = Run(ProbeCommands.Addresses);
        var routes = Run(ProbeCommands.RouteGet(AddressesToCheck()));
        var localRoutes = Run(ProbeCommands.LocalRouteTable);
        var processes = Run(ProbeCommands.Processes);
        var units = Run(ProbeCommands.SystemdUnits);
        var files = Run(ProbeCommands.KnownFiles);
        var tools = Run(ProbeCommands.Tools);
        var docker = Run(ProbeCommands.DockerKubeProxy);
        var crictl = Run(ProbeCommands.CrictlKubeProxy);
        var proxyMode = Run(ProbeCommands.ProxyMode);
        var marker = Run(ProbeCommands.StopMarker);
        var reach = ReachTargets().Select(t => CheckReachAsync(Run, t)).ToList();

        await Task.WhenAll(identity, addresses, routes, localRoutes, processes, units, files, tools, docker, crictl, proxyMode, marker).ConfigureAwait(false);
        var reachResults = await Task.WhenAll(reach).ConfigureAwait(false);

        var (hostname, machineId) = ParseIdentity(await identity, notes);
        var addressList = ParseOr(await addresses, "ip addr show", IpAddrOutput.Parse, [], notes);
        var routeList = ParseRoutes(await routes, notes);
        var localRouteList = ParseOr(await localRoutes, "ip route show table local", LocalRouteTable.Parse, [], notes);
        var processList = ParseOr(await processes, "ps", ProcessTable.Parse, [], notes);
        var unitList = ParseOr(await units, "systemctl show", SystemdUnitShow.Parse, [], notes);
        var existing = Lines((await files).StdOut).ToHashSet(StringComparer.Ordinal);
        var installed = Lines((await tools).StdOut).Select(Path.GetFileName).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var dockerRows = installed.Contains("docker") ? ParseOr(await docker, "docker ps", ContainerTable.ParseDocker, [], notes) : [];
        var criRows = installed.Contains("crictl") ? ParseOr(await crictl, "crictl ps", ContainerTable.ParseCrictl, [], notes) : [];

        var kubeProxy = KubeProxyDetection.Decide(new KubeProxyEvidence(
            shell.Node.KubeProxy, unitList, processList, existing, dockerRows, criRows) { Marker = ReadMarker(await marker, notes) });
        kubeProxy = await WithModeAsync(Run, kubeProxy, await proxyMode, processList, unitList, existing, notes).ConfigureAwait(false);

        var kubelet = unitList.FirstOrDefault(u => u.Id == "kubelet.service" && u.Exists) is { } kubeletUnit
            ? kubeletUnit.IsActive
            : ProcessTable.FindKubelet(processList) is not null;

        var kubectl = new KubectlFacts(installed.Contains("kubectl"), ProbeCommands.Kubeconfigs.FirstOrDefault(existing.Contains));
        if (!installed.Contains("kubectl")) notes.Add("kubectl: not installed");

        return new NodeFacts(shell.Node.Name, hostname, machineId, addressList, routeList, kubeProxy, kubelet, reachResults, kubectl)
        {
            Notes = notes,
            LocalRoutes = localRouteList,
        };
    }

    /// <summary>Every inventory node's address and every protected address: each must route off this node unless it is this node's.</summary>
    private IEnumerable<IPAddress> AddressesToCheck() => inventory.Nodes.Select(n => n.Address).Concat(inventory.Protect).Distinct();

    private sealed record ReachTarget(Node Node, int Port);

    private IEnumerable<ReachTarget> ReachTargets()
    {
        var etcdNodes = inventory.Nodes.Any(n => n.IsEtcd) ? inventory.Nodes.Where(n => n.IsEtcd) : inventory.ControlPlane;
        return inventory.ControlPlane.Select(n => new ReachTarget(n, ApiPort))
            .Concat(etcdNodes.Select(n => new ReachTarget(n, EtcdPort)));
    }

    private static async Task<ReachProbe> CheckReachAsync(Func<ShellCommand, Task<CommandResult>> run, ReachTarget target)
    {
        var result = await run(ProbeCommands.TcpConnect(target.Node.Address, target.Port, ConnectSeconds)).ConfigureAwait(false);
        var detail = result.Succeeded ? "connected"
            : result.TimedOut ? $"no answer within {ConnectSeconds}s"
            : result.ExitCode == 127 ? "bash not installed"
            : ConnectError(result.StdErr);
        return new ReachProbe(target.Node.Name, target.Node.Address, target.Port, result.Succeeded, detail);
    }

    /// <summary>bash prints `bash: connect: Connection refused` then the path again; the first line says it.</summary>
    private static string ConnectError(string stderr)
    {
        var first = Lines(stderr).FirstOrDefault() ?? "failed";
        var colon = first.LastIndexOf(": ", StringComparison.Ordinal);
        return colon >= 0 ? first[(colon + 2)..] : first;
    }

    private static async Task<KubeProxyFacts> WithModeAsync(
        Func<ShellCommand, Task<CommandResult>> run, KubeProxyFacts facts, CommandResult proxyMode, IReadOnlyList<ProcessRow> processes,
        IReadOnlyList<SystemdUnit> units, IReadOnlySet<string> existing, List<string> notes)
    {
        var live = proxyMode.Succeeded ? KubeProxyModeSources.ParseProxyModeResponse(proxyMode.StdOut) : null;

        // The config file is read even when /proxyMode answers: it also gives the sync period, which sets how long
        // the final check must wait for a kube-proxy that would bind the address again.
        var argv = ProcessTable.FindKubeProxy(processes)?.Argv
            ?? units.FirstOrDefault(u => u.Id == "kube-proxy.service" && u.Exists)?.ExecStart
            ?? [];
        var configPath = KubeProxyModeSources.Flag(argv, "config");
        var flagMode = KubeProxyModeSources.Flag(argv, "proxy-mode");
        var flagSync = KubeProxyModeSources.Flag(argv, "ipvs-sync-period") is { } text ? GoDuration.TryParse(text) : null;
        var candidates = configPath is not null ? [configPath] : ProbeCommands.KubeProxyConfigFiles.Where(existing.Contains).ToList();
        foreach (var path in candidates)
        {
            // A container's file is only visible through its process's root; a host file is the same either way.
            var pid = configPath is not null ? facts.Pid : null;
            ShellCommand command;
            try
            {
                command = ProbeCommands.ReadConfig(pid, path);
            }
            catch (ArgumentException e)
            {
                // A --config value we will not put on a command line (relative, "..", control characters).
                notes.Add($"kube-proxy config: not read, {e.Message}");
                continue;
            }
            var read = await run(command).ConfigureAwait(false);
            if (!read.Succeeded)
            {
                notes.Add($"kube-proxy config {path}: {FirstLine(read)}");
                continue;
            }
            if (KubeProxyModeSources.ParseConfigMode(read.StdOut) is { } configured)
            {
                var sync = KubeProxyModeSources.ParseConfigSyncPeriod(read.StdOut) ?? flagSync;
                return live is not null
                    ? facts with { Mode = live, ModeSource = "/proxyMode", ConfigPath = path, SyncPeriod = sync }
                    : facts with { Mode = configured, ModeSource = path, ConfigPath = path, SyncPeriod = sync };
            }
        }
        if (live is not null) return facts with { Mode = live, ModeSource = "/proxyMode", ConfigPath = configPath, SyncPeriod = flagSync };
        if (flagMode is not null) return facts with { Mode = flagMode, ModeSource = "--proxy-mode", ConfigPath = configPath, SyncPeriod = flagSync };
        if (facts.Manager is not null || facts.Running) notes.Add("kube-proxy mode: /proxyMode did not answer and no config file or flag says it");
        return facts with { ConfigPath = configPath, SyncPeriod = flagSync };
    }

    /// <summary>No file (cat's exit 1) is the normal case; a file that is not a marker is a note, never a reason to start anything.</summary>
    private static StopMarker? ReadMarker(CommandResult result, List<string> notes)
    {
        if (!result.Succeeded) return null;
        var marker = StopMarker.Parse(result.StdOut);
        if (marker is null) notes.Add($"{StopMarker.FilePath} exists but is not a kube-recover stop marker: ignored");
        return marker;
    }

    private static (string Hostname, string MachineId) ParseIdentity(CommandResult result, List<string> notes)
    {
        var lines = Lines(result.StdOut).ToList();
        if (lines.Count < 2) notes.Add($"identity (hostname, /etc/machine-id): {FirstLine(result)}");
        return (lines.ElementAtOrDefault(0) ?? "", lines.ElementAtOrDefault(1) ?? "");
    }

    private static IReadOnlyList<RouteLookup> ParseRoutes(CommandResult result, List<string> notes)
    {
        // Some lookups may fail (no route: "RTNETLINK answers: Network is unreachable") while the others answer.
        var routes = IpRouteGetOutput.Parse(result.StdOut);
        if (!result.Succeeded && result.StdErr.Trim().Length > 0) notes.Add($"ip route get: {FirstLine(result)}");
        return routes;
    }

    private static T ParseOr<T>(CommandResult result, string what, Func<string, T> parse, T fallback, List<string> notes)
    {
        if (result.ExitCode == 127)
        {
            notes.Add($"{what}: not installed");
            return fallback;
        }
        if (!result.Succeeded && result.StdOut.Trim().Length == 0)
        {
            notes.Add($"{what}: {FirstLine(result)}");
            return fallback;
        }
        try
        {
            return parse(result.StdOut);
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException)
        {
            notes.Add($"{what}: {e.Message}");
            return fallback;
        }
    }

    private static string FirstLine(CommandResult result) =>
        result.TimedOut ? "timed out" : Lines(result.StdErr).FirstOrDefault() ?? $"exit {result.ExitCode}";

    private static IEnumerable<string> Lines(string text) =>
        text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0);
}
