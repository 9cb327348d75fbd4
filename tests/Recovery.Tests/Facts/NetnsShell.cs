using System.Diagnostics;
using System.Globalization;
using Recovery.Access;
using Recovery.Inventory;

namespace Recovery.Tests.Facts;

/// <summary>
/// A real shell on a node made of a network namespace: `ip netns exec NS timeout T sh -c COMMAND`, the same
/// rendered text a node's shell runs. Test-only; the product's LocalShell/SshShell live in Access.
/// </summary>
internal sealed class NetnsShell(Node node, string netns) : INodeShell
{
    public Node Node { get; } = node;

    public bool IsLocal => false;

    public string Way => $"network namespace {netns}";

    public async Task<CommandResult> RunAsync(ShellCommand command, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.StartNew();
        var info = new ProcessStartInfo("ip")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "netns", "exec", netns, "timeout", ((int)Math.Ceiling(timeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture), "sh", "-c", command.Render() })
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start ip netns exec");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return new CommandResult(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false), started.Elapsed);
    }

    public Task<byte[]> ReadFileAsync(string path, CancellationToken cancellationToken = default) => File.ReadAllBytesAsync(path, cancellationToken);

    public Task<INodeTunnel> OpenTunnelAsync(string host, int port, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("the probe opens no tunnels");

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
