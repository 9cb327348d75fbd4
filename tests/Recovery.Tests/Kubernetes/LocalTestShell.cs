using System.Diagnostics;
using System.Net;
using Recovery.Access;
using Recovery.Inventory;

namespace Recovery.Tests.Kubernetes;

/// <summary>
/// Stand-in for Access's LocalShell, which is built on another branch: runs each command with bash under
/// coreutils `timeout` on this machine, reads files directly, and "tunnels" to the address itself (as the local
/// node does). Records every command so tests can check what was run.
/// </summary>
internal sealed class LocalTestShell(string name = "master1") : INodeShell
{
    public Node Node { get; } = new(name, IPAddress.Loopback, new HashSet<NodeRole> { NodeRole.ControlPlane, NodeRole.Etcd });

    public bool IsLocal => true;

    public string Way => "this console";

    public List<string> Commands { get; } = [];

    public List<string> FilesRead { get; } = [];

    public async Task<CommandResult> RunAsync(ShellCommand command, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var rendered = command.Render();
        lock (Commands) Commands.Add(rendered);
        var start = new ProcessStartInfo("timeout") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { ((int)Math.Ceiling(timeout.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture), "bash", "-c", rendered }) start.ArgumentList.Add(a);
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return new CommandResult(process.ExitCode, await stdout, await stderr, watch.Elapsed);
    }

    public Task<byte[]> ReadFileAsync(string path, CancellationToken cancellationToken = default)
    {
        lock (FilesRead) FilesRead.Add(path);
        return File.ReadAllBytesAsync(path, cancellationToken);
    }

    public Task<INodeTunnel> OpenTunnelAsync(string host, int port, CancellationToken cancellationToken = default) =>
        Task.FromResult<INodeTunnel>(new Direct(new IPEndPoint(IPAddress.Parse(host), port)));

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private sealed record Direct(IPEndPoint LocalEndPoint) : INodeTunnel
    {
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
