using System.Net;
using System.Net.Sockets;

namespace Recovery.Tests.Drills;

/// <summary>
/// Proof that nothing was run: an inventory whose nodes point at this listener (127.0.0.2..4, one port), and a marker
/// path that any shell interpreting a hostile value would create. <see cref="Connections"/> counts every TCP
/// connection attempt (SSH or etcd); a refused input must leave it at 0 and the marker absent.
/// </summary>
public sealed class LoopbackTrap : IDisposable
{
    public static readonly IPAddress[] Addresses = [IPAddress.Parse("127.0.0.2"), IPAddress.Parse("127.0.0.3"), IPAddress.Parse("127.0.0.4")];

    private readonly List<TcpListener> listeners = [];
    private readonly CancellationTokenSource stop = new();
    private int connections;

    public LoopbackTrap()
    {
        Folder = Directory.CreateTempSubdirectory("kr-drill-").FullName;
        Marker = Path.Combine(Folder, "pwned");
        var first = new TcpListener(Addresses[0], 0);
        first.Start();
        Port = ((IPEndPoint)first.LocalEndpoint).Port;
        listeners.Add(first);
        foreach (var address in Addresses.Skip(1))
        {
            var listener = new TcpListener(address, Port);
            listener.Start();
            listeners.Add(listener);
        }
        foreach (var listener in listeners) _ = AcceptAsync(listener);
        KnownHosts = Path.Combine(Folder, "known_hosts");
        File.WriteAllText(KnownHosts, "");
    }

    public int Port { get; }
    public string Folder { get; }
    public string Marker { get; }
    public string KnownHosts { get; }
    public int Connections => Volatile.Read(ref connections);

    /// <summary>A valid inventory (nodes node1..3 at the trap) with TEXT replaced by the hostile value.</summary>
    public string Inventory(string? replace = null, string? with = null)
    {
        var yaml = $$"""
            cluster: drill
            ssh: { user: root, port: {{Port}}, knownHosts: {{KnownHosts}}, passwordEnv: KR_DRILL_PASSWORD, connectTimeoutSeconds: 3 }
            nodes:
              - { name: node1, address: 127.0.0.2, roles: [control-plane, etcd] }
              - { name: node2, address: 127.0.0.3, roles: [control-plane, etcd] }
              - { name: node3, address: 127.0.0.4 }
            """;
        if (replace is not null)
        {
            Assert.Contains(replace, yaml);
            yaml = yaml.Replace(replace, with, StringComparison.Ordinal);
        }
        return Write("inventory.yaml", yaml);
    }

    public string Write(string name, string text) => Write(name, System.Text.Encoding.UTF8.GetBytes(text));

    public string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(Folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public void AssertNothingRun()
    {
        Assert.False(File.Exists(Marker), $"a hostile value was run by a shell: {Marker} exists");
        Assert.True(Connections == 0, $"{Connections} connection(s) reached a node although the input was refused");
    }

    private async Task AcceptAsync(TcpListener listener)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                using var client = await listener.AcceptTcpClientAsync(stop.Token);
                Interlocked.Increment(ref connections);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // The trap is closed.
        }
    }

    public void Dispose()
    {
        stop.Cancel();
        foreach (var listener in listeners) listener.Stop();
        stop.Dispose();
        Directory.Delete(Folder, recursive: true);
    }
}
