using System.Diagnostics;
using System.Net;
using System.Text;
using Recovery.Inventory;

namespace Recovery.Access;

/// <summary>
/// The node the tool runs on. Commands run as `/bin/sh -c` under the same `timeout` wrapper as remote ones, so a
/// step behaves the same wherever it runs. Runs with the tool's own rights (root at a recovery console): no sudo.
/// </summary>
internal sealed partial class LocalShell(Node node) : INodeShell
{
    public Node Node { get; } = node;

    public bool IsLocal => true;

    public string Way => "this console";

    /// <summary>One round trip for all of them (<see cref="CommandBatch"/>).</summary>
    public Task<IReadOnlyList<CommandResult>?> RunEachAsync(IReadOnlyList<ShellCommand> commands, TimeSpan timeout, int mustSucceed = 0, CancellationToken cancellationToken = default) =>
        CommandBatch.RunAsync(this, commands, timeout, mustSucceed, cancellationToken);

    public async Task<CommandResult> RunAsync(ShellCommand command, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var (exit, stdout, stderr, elapsed) = await RunProcessAsync(TimeoutWrapper.Argv(command, timeout, sudo: false), timeout, cancellationToken)
            .ConfigureAwait(false);
        return new CommandResult(exit, Encoding.UTF8.GetString(stdout), stderr, elapsed);
    }

    public async Task<byte[]> ReadFileAsync(string path, CancellationToken cancellationToken = default)
    {
        ShellQuoting.Validate(path);
        try
        {
            return await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NodeFileException(Node.Name, path, e.Message, e);
        }
    }

    /// <summary>Locally there is nothing to forward: the endpoint is the target itself (an IP address; no DNS).</summary>
    public Task<INodeTunnel> OpenTunnelAsync(string host, int port, CancellationToken cancellationToken = default)
    {
        if (!IPAddress.TryParse(host, out var address))
        {
            throw new ArgumentException($"tunnel target on {Node.Name} must be an IP address, got '{host}'", nameof(host));
        }
        if (port is < 1 or > 65535) throw new ArgumentOutOfRangeException(nameof(port), port, "a TCP port is 1..65535");
        return Task.FromResult<INodeTunnel>(new DirectTunnel(new IPEndPoint(address, port)));
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static async Task<(int Exit, byte[] StdOut, string StdErr, TimeSpan Elapsed)> RunProcessAsync(
        IReadOnlyList<string> argv, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(argv[0])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardErrorEncoding = Encoding.UTF8,
            UseShellExecute = false,
        };
        foreach (var arg in argv.Skip(1)) start.ArgumentList.Add(arg);
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {argv[0]}");
        process.StandardInput.Close();
        // The wrapper ends the command at its limit; this backstop only covers a wedged `timeout` itself.
        using var backstop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        backstop.CancelAfter(timeout + TimeoutWrapper.Grace);
        try
        {
            using var stdout = new MemoryStream();
            var copyOut = process.StandardOutput.BaseStream.CopyToAsync(stdout, backstop.Token);
            var readErr = process.StandardError.ReadToEndAsync(backstop.Token);
            await Task.WhenAll(copyOut, readErr, process.WaitForExitAsync(backstop.Token)).ConfigureAwait(false);
            return (process.ExitCode, stdout.ToArray(), await readErr.ConfigureAwait(false), watch.Elapsed);
        }
        catch (OperationCanceledException)
        {
            await EndAsync(process).ConfigureAwait(false);
            if (cancellationToken.IsCancellationRequested) throw;
            throw new TimeoutException($"local command did not end within {timeout + TimeoutWrapper.Grace} although run under timeout");
        }
    }

    /// <summary>
    /// TERM to the wrapper, whose trap KILLs the command's process group at once: a group signal reaches a child
    /// forked at that very moment, which a walk of the process tree (SIGSTOP, list children, KILL) can miss on a
    /// busy machine. The tree walk stays as the backstop for a wrapper that does not end.
    /// </summary>
    private static async Task EndAsync(Process process)
    {
        try
        {
            if (process.HasExited) return;
            if (Signal(process.Id, Term) == 0)
            {
                using var wait = new CancellationTokenSource(WrapperExit);
                try
                {
                    await process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
                    return;
                }
                catch (OperationCanceledException)
                {
                }
            }
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    private const int Term = 15;
    private static readonly TimeSpan WrapperExit = TimeSpan.FromSeconds(3);

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Signal(int pid, int signal);

    private sealed record DirectTunnel(IPEndPoint LocalEndPoint) : INodeTunnel
    {
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
