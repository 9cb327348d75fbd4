using System.Net;
using Recovery.Access;
using Recovery.Facts.Parsing;
using Recovery.Inventory;

namespace Recovery.Facts;

/// <summary>
/// Reads the facts of one node through its shell, read-only. The independent commands run at the same time
/// (identity, addresses, routes, processes, systemd units, files, tools, containers, /proxyMode, and one TCP check per
/// control-plane port); a second round reads kube-proxy's config file when /proxyMode did not answer. A command
/// that fails or a tool that is missing becomes a note in <see cref="NodeFacts.Notes"/>; a command that does not answer
/// within its <see cref="ProbeBudget"/>, first try and second, is named in <see cref="NodeFacts.Unanswered"/> and its fact
/// is unknown (kube-proxy detection says so), never empty; only losing the shell
/// itself (an exception from <see cref="INodeShell.RunAsync"/>) escapes, and the caller reports that node as unreachable.
/// </summary>
/// <param name="reachAcross">false: each node checks only its own API server and etcd ports (whether they serve, for
/// the plan), not the other nodes': those checks are what a diagnosis shows, and on a locked-out cluster the ones across
/// the hijack wait out their whole limit, which a recovery (it verifies reach itself after the unbind) need not pay.</param>
/// <param name="sightings">Where this survey's nodes' facts meet: each node's are published there before its TCP checks
/// end, and a check towards a node seen hijacking this node's address stops waiting (null: every check waits).</param>
internal sealed class NodeProbe(ClusterInventory inventory, ProbeBudget? budget = null, bool reachAcross = true, HijackSightings? sightings = null)
{
    public const int ApiPort = 6443;
    public const int EtcdPort = 2379;

    public ProbeBudget Budget { get; } = budget ?? ProbeBudget.Default;

    public async Task<NodeFacts> ProbeAsync(INodeShell shell, CancellationToken cancellationToken = default)
    {
        var notes = new List<string>();
        var unanswered = new List<string>();
        using var runner = new ProbeCommandRunner(shell, Budget);
        Task<CommandResult> Run(ShellCommand command) => runner.RunAsync(command, cancellationToken);

        // The quick reads' first tries in one round trip; the ones that may wait (a wedged dockerd or crictl, kube-proxy's
        // /proxyMode, a TCP check across the hijack) beside it, each on its own, so none of those holds the others up.
        ShellCommand[] quick = [ProbeCommands.Identity, ProbeCommands.Addresses, ProbeCommands.LocalRouteTable, ProbeCommands.Processes,
            ProbeCommands.SystemdUnits, ProbeCommands.KnownFiles, ProbeCommands.Tools, ProbeCommands.StopMarker];
        var firstTries = runner.FirstTriesAsync(quick, cancellationToken);
        Task<CommandResult> Quick(ShellCommand command) => runner.RunAsync(command, firstTries, Array.IndexOf(quick, command), cancellationToken);

        var identity = Quick(ProbeCommands.Identity);
        var addresses = Quick(ProbeCommands.Addresses);
        // Its own lists: it runs beside the other reads, and its notes join the node's once it is done.
        var (routeNotes, routeUnanswered) = (new List<string>(), new List<string>());
        var routes = RouteLookupProbe.ReadAsync(runner, [.. AddressesToCheck()], routeNotes, routeUnanswered, cancellationToken);
        var localRoutes = Quick(ProbeCommands.LocalRouteTable);
        var processes = Quick(ProbeCommands.Processes);
        var units = Quick(ProbeCommands.SystemdUnits);
        var files = Quick(ProbeCommands.KnownFiles);
        var tools = Quick(ProbeCommands.Tools);
        var docker = Run(ProbeCommands.DockerKubeProxy);
        var crictl = Run(ProbeCommands.CrictlKubeProxy);
        var proxyMode = Run(ProbeCommands.ProxyMode);
        var marker = Quick(ProbeCommands.StopMarker);
        var reach = ReachTargets().Where(t => reachAcross || t.Node.Name == shell.Node.Name).Select(t => CheckReachAsync(runner, shell.Node, t, cancellationToken)).ToList();

        await Task.WhenAll(identity, addresses, routes, localRoutes, processes, units, files, tools, docker, crictl, proxyMode, marker).ConfigureAwait(false);

        // A command that did not answer even on its second try is an unknown fact, never an empty one: it is named in
        // `unanswered`, and kube-proxy detection that depended on it says "unknown", not "not found".
        bool Answered(CommandResult result, string what)
        {
            if (!ProbeCommandRunner.Unanswered(result)) return true;
            unanswered.Add($"{what}: {runner.NoAnswer}");
            return false;
        }

        var (hostname, machineId) = ParseIdentity(await identity, notes);
        Answered(await identity, "identity");
        // Not installed or garbled is as unread as silent: an empty list would say "nothing on kube-ipvs0".
        var addressList = ParseOr<IReadOnlyList<InterfaceAddress>?>(await addresses, "ip addr show", IpAddrOutput.Parse, null, notes);
        var addressesUnread = !Answered(await addresses, "ip addr show") || addressList is null;
        var routeList = await routes;
        notes.AddRange(routeNotes);
        unanswered.AddRange(routeUnanswered);
        var localRouteList = ParseOr(await localRoutes, "ip route show table local", LocalRouteTable.Parse, [], notes);
        Answered(await localRoutes, "ip route show table local");
        var processList = ParseOr(await processes, "ps", ProcessTable.Parse, [], notes);
        var unitList = ParseOr(await units, "systemctl show", SystemdUnitShow.Parse, [], notes);
        var existing = Lines((await files).StdOut).ToHashSet(StringComparer.Ordinal);
        var installed = Lines((await tools).StdOut).Select(Path.GetFileName).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var unread = new List<string>();
        // A listing that failed (no daemon, no permission on its socket) shows no container, which is not "none runs".
        IReadOnlyList<ContainerRow> Containers(CommandResult result, string what, Func<string, IReadOnlyList<ContainerRow>> parse)
        {
            var rows = ParseOr<IReadOnlyList<ContainerRow>?>(result, what, parse, null, notes);
            if (!Answered(result, what)) unread.Add(unanswered[^1]);
            else if (rows is null) unread.Add($"{what}: {FirstLine(result)}");
            return rows ?? [];
        }
        var dockerRows = installed.Contains("docker") ? Containers(await docker, "docker ps", ContainerTable.ParseDocker) : [];
        var criRows = installed.Contains("crictl") ? Containers(await crictl, "crictl ps", ContainerTable.ParseCrictl) : [];
        foreach (var (result, what) in new[] { (await processes, "ps"), (await units, "systemctl show"), (await files, "ls (manifests, config files)"),
                     (await tools, "command -v (docker, crictl)"), (await marker, "stop marker") })
        {
            if (!Answered(result, what)) unread.Add(unanswered[^1]);
        }
        // Without ps no process is known, which is not "none runs": a kube-proxy nothing else shows may be running.
        var processesUnread = ProbeCommandRunner.Unanswered(await processes) || (await processes).CouldNotRun;
        if ((await processes).CouldNotRun) unread.Add($"ps: {FirstLine(await processes)}");

        var kubeProxy = KubeProxyDetection.Decide(new KubeProxyEvidence(
            shell.Node.KubeProxy, unitList, processList, existing, dockerRows, criRows) { Marker = ReadMarker(await marker, notes), Unread = unread, ProcessesUnread = processesUnread });
        kubeProxy = await WithModeAsync(Run, kubeProxy, await proxyMode, processList, unitList, existing, notes).ConfigureAwait(false);

        var kubelet = unitList.FirstOrDefault(u => u.Id == "kubelet.service" && u.Exists) is { } kubeletUnit
            ? kubeletUnit.IsActive
            : ProcessTable.FindKubelet(processList) is not null;

        var offPath = !installed.Contains("kubectl") && existing.Contains(Kubernetes.KubectlProgram.Rke2) ? Kubernetes.KubectlProgram.Rke2 : null;
        var kubectl = new KubectlFacts(installed.Contains("kubectl") || offPath is not null, ProbeCommands.Kubeconfigs.FirstOrDefault(existing.Contains), offPath);
        if (!kubectl.Installed) notes.Add("kubectl: not installed");

        var facts = new NodeFacts(shell.Node.Name, hostname, machineId, addressList ?? [], routeList, kubeProxy, kubelet, [], kubectl)
        {
            Notes = notes,
            Unanswered = unanswered,
            AddressesUnread = addressesUnread,
            LocalRoutes = localRouteList,
            Way = shell.Way,
        };
        sightings?.Seen(facts);
        return facts with { Reach = await Task.WhenAll(reach).ConfigureAwait(false) };
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

    /// <summary>
    /// A connection that got no answer within the first wait is tried again with the longer one, unless the first try
    /// shows the connection itself waited nearly all of it (<see cref="SilentAfter"/>): a live kernel answers a SYN in
    /// milliseconds even on a loaded node, while a slow bash start can eat the whole limit. Still silent, or not run at
    /// all: unknown (not "unreachable"). A hijack's cut-off always ends here, so the retry would cost every run at a
    /// locked-out cluster the longer wait. A check towards a node seen hijacking this node's address (<see cref="HijackSightings"/>)
    /// is stopped: its answer cannot come back, and the check says so (<see cref="NotWaited"/>) rather than waiting it out.
    /// </summary>
    private async Task<ReachProbe> CheckReachAsync(ProbeCommandRunner runner, Node from, ReachTarget target, CancellationToken cancellationToken)
    {
        var budget = runner.Budget;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            var hijacked = sightings is null || target.Node.Name == from.Name ? null : sightings.HijacksAsync(target.Node.Name, from.Address, stop.Token);
            var result = await UnlessHijackedAsync(runner.FirstTryAsync(ProbeCommands.TcpConnect(target.Node.Address, target.Port, budget.ConnectSeconds), stop.Token), hijacked, stop).ConfigureAwait(false);
            var silent = result is not null && ProbeCommands.ConnectWaited(result) is { } waited && waited >= SilentAfter(budget) ? waited : (TimeSpan?)null;
            if (result is not null && ProbeCommandRunner.Unanswered(result) && silent is null)
            {
                result = await UnlessHijackedAsync(runner.SecondTryAsync(ProbeCommands.TcpConnect(target.Node.Address, target.Port, budget.RetryConnectSeconds), stop.Token), hijacked, stop).ConfigureAwait(false);
            }
            return result is null ? new ReachProbe(target.Node.Name, target.Node.Address, target.Port, false, NotWaited) { Unknown = true } : Judge(result, target, silent, budget);
        }
        finally
        {
            // Ends the wait for the target's facts when the check answered first.
            await stop.CancelAsync().ConfigureAwait(false);
        }
    }

    /// <summary>What a TCP check towards a node seen hijacking this node's address says, without waiting for its silence.</summary>
    public const string NotWaited = "no answer can come back (not waited for)";

    /// <summary>The check's result; null when the target was seen hijacking this node's address first (the check is then stopped).</summary>
    private static async Task<CommandResult?> UnlessHijackedAsync(Task<CommandResult> check, Task<bool>? hijacked, CancellationTokenSource stop)
    {
        if (hijacked is null || await Task.WhenAny(check, hijacked).ConfigureAwait(false) == check || !hijacked.IsCompletedSuccessfully || !hijacked.Result)
        {
            return await check.ConfigureAwait(false);
        }
        await stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await check.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        return null;
    }

    private static ReachProbe Judge(CommandResult result, ReachTarget target, TimeSpan? silent, ProbeBudget budget)
    {
        var unknown = result.TimedOut || result.CouldNotRun;
        var detail = result.Succeeded ? "connected"
            : result.TimedOut && silent is { } w ? $"no answer within {budget.ConnectSeconds}s (the connection itself waited {w.TotalSeconds:0.0} s)"
            : result.TimedOut ? $"no answer within {budget.ConnectSeconds}s, nor within {budget.RetryConnectSeconds}s on a second try"
            : result.ExitCode == 127 ? "bash not installed"
            : result.ExitCode == 126 ? "bash could not be run"
            : ConnectError(result.StdErr);
        return new ReachProbe(target.Node.Name, target.Node.Address, target.Port, result.Succeeded, detail) { Unknown = unknown };
    }

    /// <summary>How long a connection must have waited without an answer for its silence to stand without a second try.</summary>
    private static TimeSpan SilentAfter(ProbeBudget budget) => TimeSpan.FromSeconds(budget.ConnectSeconds - 1);

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

    private static T ParseOr<T>(CommandResult result, string what, Func<string, T> parse, T fallback, List<string> notes)
    {
        if (result.ExitCode == 127)
        {
            notes.Add($"{what}: not installed");
            return fallback;
        }
        // A command cut off at its limit printed part of its answer at most: a part is no answer (Unanswered names it).
        if (!result.Succeeded && result.StdOut.Trim().Length == 0 || result.TimedOut)
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
        result.TimedOut ? "timed out twice" : Lines(result.StdErr).FirstOrDefault() ?? $"exit {result.ExitCode}";

    private static IEnumerable<string> Lines(string text) =>
        text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0);
}
