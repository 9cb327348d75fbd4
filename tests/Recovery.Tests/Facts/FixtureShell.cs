using System.Collections.Concurrent;
using Recovery.Access;
using Recovery.Inventory;

namespace Recovery.Tests.Facts;

/// <summary>
/// TEST DOUBLE for a node: answers each rendered command with a captured real output (Fixtures/) and records
/// what was run. A command it has no answer for fails the test loudly instead of guessing. The real end-to-end
/// run against nodes is in the lab tests.
/// </summary>
internal sealed class FixtureShell(Node node, IReadOnlyDictionary<string, CommandResult> answers, bool isLocal = false) : INodeShell
{
    private readonly ConcurrentQueue<ShellCommand> _ran = new();
    private int _inFlight;
    private int _maxInFlight;

    /// <summary>How long each answer takes, so that concurrency can be observed.</summary>
    public TimeSpan Latency { get; init; } = TimeSpan.Zero;

    /// <summary>The most commands that were running at the same time.</summary>
    public int MaxInFlight => _maxInFlight;

    public Node Node { get; } = node;

    public bool IsLocal { get; } = isLocal;

    public string Way => IsLocal ? "this console" : $"IPv4 {Node.Address}";

    public IReadOnlyList<string> Ran => [.. _ran.Select(c => c.Render())];

    /// <summary>Every simple command run, as argv, with sequences taken apart.</summary>
    public IReadOnlyList<IReadOnlyList<string>> RanArgv => [.. _ran.SelectMany(Flatten)];

    private static IEnumerable<IReadOnlyList<string>> Flatten(ShellCommand command) => command switch
    {
        ShellCommand.Simple s => [s.Argv],
        ShellCommand.Sequence q => Flatten(q.Left).Concat(Flatten(q.Right)),
        _ => [],
    };

    public async Task<CommandResult> RunAsync(ShellCommand command, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var text = command.Render();
        _ran.Enqueue(command);
        var now = Interlocked.Increment(ref _inFlight);
        int seen;
        while (now > (seen = _maxInFlight) && Interlocked.CompareExchange(ref _maxInFlight, now, seen) != seen)
        {
        }
        try
        {
            if (Latency > TimeSpan.Zero) await Task.Delay(Latency, cancellationToken);
            return answers.TryGetValue(text, out var result)
                ? result
                : throw new InvalidOperationException($"FixtureShell for {Node.Name} has no answer for: {text}");
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    public Task<byte[]> ReadFileAsync(string path, CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException($"FixtureShell: the probe must not read files directly ({path})");

    public Task<INodeTunnel> OpenTunnelAsync(string host, int port, CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException("FixtureShell: the probe must not open tunnels");

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
