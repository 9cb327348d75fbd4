using System.Globalization;
using System.Text.RegularExpressions;
using Recovery.Facts.Parsing;
using Recovery.LabTests.Lab;
using Recovery.LabTests.Recovery;

namespace Recovery.LabTests.Runbook;

/// <summary>
/// The manual procedure of the English runbook typed at the lab's node consoles, step by step in its order, for
/// kube-proxy as a systemd unit (the seed's cluster): each step's lines are read from the runbook, their example
/// address and Service replaced by the lab's, and nothing else changed. Each step asserts what its lines say they
/// show ("must not say active", "must not say local"), and the cluster state they are meant to leave.
/// </summary>
public sealed partial class RunbookProcedure(LabFixture lab, RunbookText runbook)
{
    /// <summary>What iproute2 answers to `ip addr del` of an address the interface does not hold.</summary>
    private const string NotBound = "Error: ipv4: Address not found.";

    private readonly RunbookPlaceholders example = runbook.Placeholders();

    /// <summary>What `lab.sh break` creates: node1's address as externalIP of default/nginx-service.</summary>
    public RunbookPlaceholders Lab { get; } = new(lab.Env.Address("node1"), SeedService.Namespace, SeedService.Name);

    /// <summary>The node whose address is hijacked: the runbook's "10.0.0.211's own node".</summary>
    public string Owner => lab.Env.Nodes.Single(n => lab.Env.Address(n).Equals(Lab.Address));

    /// <summary>Where the lines run (their `> nginx-service.yaml` and the like land here); shared with the host.</summary>
    public string WorkDir { get; } = Directory.CreateDirectory(Path.Combine(lab.Env.RunDir, "runbook-" + Guid.NewGuid().ToString("N")[..8])).FullName;

    public RunbookBlock Block(string section, string firstCommand) => runbook.Block(section, firstCommand).For(example, Lab);

    public string Inline(string section, string start) => example.Replace(runbook.Inline(section, start), Lab);

    public Task<IReadOnlyList<LineResult>> TypeAsync(string node, RunbookBlock block) => NodeConsole.TypeAsync(lab, node, block, WorkDir);

    /// <summary>Step 1, systemd unit, on every node.</summary>
    public async Task StopKubeProxyEverywhereAsync()
    {
        var block = Block("1.", "systemctl stop kube-proxy");
        foreach (var node in lab.Env.Nodes)
        {
            var typed = await TypeAsync(node, block);
            AssertSucceeded(node, typed.Where(l => !l.Command.StartsWith("systemctl is-active", StringComparison.Ordinal)));
            var active = Single(typed, "systemctl is-active");
            Assert.True(active.Output.Trim() != "active", $"on {node} it must not say \"active\":\n{active}");
            Assert.False((await lab.ConsoleAsync(node, "pgrep", "-x", "kube-proxy")).Succeeded, $"kube-proxy still runs on {node} after step 1");
        }
    }

    /// <summary>Step 2 on every node (the `ip addr del` block; `ipvsadm`/`ipset` are not installed in the lab, and the
    /// runbook runs them only "where installed"), then the owner's own local route check.</summary>
    public async Task RemoveAddressEverywhereAsync()
    {
        var address = Lab.Address.ToString();
        var block = Block("2.", "ip addr del");
        foreach (var node in lab.Env.Nodes)
        {
            var bound = await BoundAsync(node);
            var typed = await TypeAsync(node, block);
            var del = Single(typed, "ip addr del");
            // Where the address is not bound (a kube-proxy that never synced it), ip says so, as the runbook tells.
            Assert.True(del.Succeeded || (!bound && del.Output.Contains(NotBound, StringComparison.Ordinal) && runbook.Text.Contains(NotBound, StringComparison.Ordinal)),
                $"on {node} (address {(bound ? "" : "not ")}bound before):\n{del}");
            var route = Single(typed, "ip route get");
            Assert.True(route.Succeeded, $"on {node}:\n{route}");
            if (node != Owner)
            {
                Assert.False(route.Output.TrimStart().StartsWith("local", StringComparison.Ordinal), $"on {node} it must not say \"local\" any more:\n{route}");
            }
            Assert.False(await BoundAsync(node), $"{address} still on {node}'s kube-ipvs0 after step 2");
        }
        var owner = Single(await TypeAsync(Owner, Block("2.", "ip route show table local")), "ip route show table local");
        Assert.True(owner.Succeeded && owner.Output.Contains($"local {address}", StringComparison.Ordinal), $"on {Owner}, the owner:\n{owner}");
    }

    /// <summary>Step 3's precondition, "check `kubectl get nodes`", on the owner's console; etcd may still be electing a
    /// leader after the owner's member rejoined, so an operator tries again for a while.</summary>
    public async Task UntilKubectlAnswersAsync()
    {
        var check = new RunbookBlock("3.", 0, [Inline("3.", "kubectl get nodes")]);
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (true)
        {
            var get = Single(await TypeAsync(Owner, check), "kubectl get nodes");
            if (get.Succeeded)
            {
                return;
            }
            Assert.True(DateTime.UtcNow < deadline, $"kubectl never answered on {Owner}:\n{get}");
            await Task.Delay(TimeSpan.FromSeconds(3));
        }
    }

    /// <summary>Step 4, systemd unit, on every node. Returns when it was started, for <see cref="AssertAddressStaysOffAsync"/>.</summary>
    public async Task<DateTimeOffset> StartKubeProxyEverywhereAsync()
    {
        var started = DateTimeOffset.UtcNow;
        var block = Block("4.", "systemctl start kube-proxy").OnlyLineCommented("systemd");
        foreach (var node in lab.Env.Nodes)
        {
            AssertSucceeded(node, await TypeAsync(node, block));
        }
        return started;
    }

    /// <summary>
    /// Step 4's last check, `ip -o addr show dev kube-ipvs0 | grep ADDRESS` prints nothing on every node, once every
    /// kube-proxy has synced with an API server after <paramref name="started"/>, and again after every kube-proxy
    /// synced two more periods (its configured ipvs.syncPeriod) later: a kube-proxy that would bind it again has done so.
    /// </summary>
    public async Task AssertAddressStaysOffAsync(DateTimeOffset started)
    {
        var check = new RunbookBlock("4.", 0, [Inline("4.", "ip -o addr show dev kube-ipvs0")]);
        var config = await lab.ConsoleAsync(Owner, "cat", "/var/lib/kube-proxy/config.conf");
        var period = KubeProxyModeSources.ParseConfigSyncPeriod(config.EnsureSuccess("kube-proxy's config").StdOut)
            ?? throw new InvalidOperationException($"no ipvs.syncPeriod in the lab's kube-proxy config:\n{config.StdOut}");
        var from = started;
        foreach (var round in new[] { "after kube-proxy restarted", "two sync periods later" })
        {
            await UntilSyncedAsync(from);
            foreach (var node in lab.Env.Nodes)
            {
                var grep = Single(await TypeAsync(node, check), "ip -o addr show");
                Assert.True(grep.Output.Trim().Length == 0, $"{round}, {node}'s kube-ipvs0 holds {Lab.Address}:\n{grep}");
            }
            from = DateTimeOffset.UtcNow + 2 * period;
        }
    }

    /// <summary>Every kube-proxy's last successful sync (its kubeproxy_sync_proxy_rules_last_timestamp_seconds) is at or after <paramref name="since"/>.</summary>
    private async Task UntilSyncedAsync(DateTimeOffset since)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        foreach (var node in lab.Env.Nodes)
        {
            while (true)
            {
                var metrics = await lab.ConsoleAsync(node, "curl", "-s", "-m", "5", "http://127.0.0.1:10249/metrics");
                var match = LastSync().Match(metrics.StdOut);
                // Whole seconds: a sync in the second `since` falls in may be before it, so the next second on.
                if (match.Success && double.Parse(match.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture) > since.ToUnixTimeSeconds())
                {
                    break;
                }
                Assert.True(DateTime.UtcNow < deadline, $"kube-proxy on {node} has not synced since {since:O}:\n{metrics.StdOut}\n{metrics.StdErr}");
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }
    }

    private async Task<bool> BoundAsync(string node)
    {
        var show = await lab.ConsoleAsync(node, "ip", "-o", "-4", "addr", "show", "dev", "kube-ipvs0");
        return show.EnsureSuccess($"ip addr show on {node}").StdOut.Contains($" {Lab.Address}/32", StringComparison.Ordinal);
    }

    public static LineResult Single(IEnumerable<LineResult> typed, string command)
    {
        var found = typed.Where(l => l.Command.StartsWith(command, StringComparison.Ordinal)).ToList();
        Assert.True(found.Count == 1, $"expected one line '{command}...' in the block, found {found.Count}:\n{string.Join('\n', typed)}");
        return found[0];
    }

    public static void AssertSucceeded(string node, IEnumerable<LineResult> typed)
    {
        foreach (var line in typed)
        {
            Assert.True(line.Succeeded, $"on {node}:\n{line}");
        }
    }

    // The Go client's float format: 1.7966114699012346e+09.
    [GeneratedRegex(@"^kubeproxy_sync_proxy_rules_last_timestamp_seconds ([0-9.e+-]+)$", RegexOptions.Multiline)]
    private static partial Regex LastSync();
}
