using Recovery.Inventory;

namespace Recovery.Access;

/// <summary>
/// The one way anything touches a node: the local node through a local shell, the others over SSH.
/// Every command runs under `timeout`, so nothing outlives its limit on the node.
/// </summary>
internal interface INodeShell : IAsyncDisposable
{
    Node Node { get; }

    /// <summary>True when this is the node the tool runs on.</summary>
    bool IsLocal { get; }

    /// <summary>How the node is reached, for the report and the journal: this console, IPv4 at its address, or IPv6
    /// link-local around the hijack (with the host key that identified it).</summary>
    string Way { get; }

    Task<CommandResult> RunAsync(ShellCommand command, TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>
    /// Commands one after the other, each under <paramref name="timeout"/>, in as few round trips as the shell can
    /// (<see cref="CommandBatch"/> for SSH and the local shell): the first <paramref name="mustSucceed"/> stop at the
    /// first of them that fails (its result is the last one returned), the rest always run. Null when the results
    /// could not be read (the commands may have run). The default sends them one by one.
    /// </summary>
    Task<IReadOnlyList<CommandResult>?> RunEachAsync(IReadOnlyList<ShellCommand> commands, TimeSpan timeout, int mustSucceed = 0, CancellationToken cancellationToken = default) =>
        CommandBatch.OneByOneAsync(commands, mustSucceed, command => RunAsync(command, timeout, cancellationToken));

    /// <summary>Reads a whole file into memory (certificates, manifests); never written to local disk.</summary>
    Task<byte[]> ReadFileAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>A local TCP endpoint that reaches host:port as seen from the node (an SSH local forward, or the address itself locally).</summary>
    Task<INodeTunnel> OpenTunnelAsync(string host, int port, CancellationToken cancellationToken = default);
}

internal interface INodeTunnel : IAsyncDisposable
{
    System.Net.IPEndPoint LocalEndPoint { get; }
}
