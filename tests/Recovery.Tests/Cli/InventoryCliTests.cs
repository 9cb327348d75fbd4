namespace Recovery.Tests.Cli;

/// <summary>`kube-recover inventory` through the real entry point: what it prints, -i reads back unchanged.</summary>
public sealed class InventoryCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kr-inventory-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task WhatItPrintsIsAnInventoryThatPrintsTheSameAgain()
    {
        var first = await CliRun.RunAsync("inventory", "--node", "master1=10.0.0.211,control-plane,etcd", "--node", "worker1=10.0.0.221",
            "--user", "ops", "--known-hosts", "/tmp/kh", "--protect", "10.0.0.200");
        Assert.True(first.Exit == 0, first.Err);
        Assert.Contains("  - { name: master1, address: 10.0.0.211, roles: [control-plane, etcd] }\n  - { name: worker1, address: 10.0.0.221 }\n", first.Out, StringComparison.Ordinal);
        Assert.Contains("ssh: { user: ops, port: 22, knownHosts: /tmp/kh }\nprotect: [10.0.0.200]\n", first.Out, StringComparison.Ordinal);
        Assert.Contains("# nodes: 2 from --node", first.Out, StringComparison.Ordinal);
        Assert.Contains("# ssh: user ops from --user", first.Out, StringComparison.Ordinal);
        Assert.Contains("# protect: 10.0.0.200 from --protect", first.Out, StringComparison.Ordinal);

        var file = Path.Combine(_dir, "inventory.yaml");
        var written = await CliRun.RunAsync("inventory", "--node", "master1=10.0.0.211,control-plane,etcd", "--node", "worker1=10.0.0.221",
            "--user", "ops", "--known-hosts", "/tmp/kh", "--protect", "10.0.0.200", "-o", file);
        Assert.True(written.Exit == 0, written.Err);
        Assert.Equal(file, written.Out.Trim());

        var again = await CliRun.RunAsync("inventory", "-i", file);
        Assert.True(again.Exit == 0, again.Err);
        Assert.Equal(Body(first.Out), Body(again.Out));
    }

    /// <summary>The YAML without its comment lines (those say where each part came from, which differs by design).</summary>
    private static string Body(string yaml) => string.Join('\n', yaml.Split('\n').Where(l => !l.StartsWith('#')));
}
