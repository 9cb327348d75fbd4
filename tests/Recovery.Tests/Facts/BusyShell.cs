using System.Collections.Concurrent;
using Recovery.Access;
using Recovery.Inventory;

namespace Recovery.Tests.Facts;

/// <summary>
/// TEST DOUBLE for a busy node: commands the test picks get no answer in time (exit 124, what `timeout` gives, with
/// what they printed before the limit), the others are answered by the inner shell. Records each command's limit.
/// </summary>
/// <param name="busy">Given the rendered command and how many times it ran before: the timed-out result, or null to answer normally.</param>
internal sealed class BusyShell(INodeShell inner, Func<string, int, CommandResult?> busy) : INodeShell
{
    private readonly ConcurrentDictionary<string, int> _tries = new();
    private readonly ConcurrentQueue<(string Command, TimeSpan Limit)> _ran = new();

    public Node Node => inner.Node;

    public bool IsLocal => inner.IsLocal;

    public string Way => inner.Way;

    public IReadOnlyList<(string Command, TimeSpan Limit)> Ran => [.. _ran];

    public static CommandResult TimedOut(string printed = "") => new(124, printed, "", TimeSpan.FromSeconds(10));

    public Task<CommandResult> RunAsync(ShellCommand command, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var text = command.Render();
        _ran.Enqueue((text, timeout));
        var before = _tries.AddOrUpdate(text, 1, (_, n) => n + 1) - 1;
        return busy(text, before) is { } slow ? Task.FromResult(slow) : inner.RunAsync(command, timeout, cancellationToken);
    }

    public Task<byte[]> ReadFileAsync(string path, CancellationToken cancellationToken = default) => inner.ReadFileAsync(path, cancellationToken);

    public Task<INodeTunnel> OpenTunnelAsync(string host, int port, CancellationToken cancellationToken = default) => inner.OpenTunnelAsync(host, port, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
