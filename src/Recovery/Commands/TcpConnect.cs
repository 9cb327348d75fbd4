using System.Net;
using Recovery.Access;

namespace Recovery.Commands;

/// <summary>Exit 0 when a TCP connection to address:port is accepted within 5 s (bash's /dev/tcp: no nc or curl needed).</summary>
internal sealed record TcpConnect(IPAddress Address, int Port) : NodeCommand
{
    public IPAddress Address { get; } = CommandWords.Address(Address);
    public int Port { get; } = CommandWords.Port(Port);

    public override ShellCommand ToShell() => ShellCommand.Of("timeout", "5", "bash", "-c", $"exec 3<>/dev/tcp/{Address}/{Port}");
}
