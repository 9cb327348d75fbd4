using System.Net;
using Recovery.Access;
using Recovery.Inventory;

namespace Recovery.Tests.Access;

/// <summary>LocalShell on this machine: the same `timeout` wrapper as SSH, real processes.</summary>
public sealed class LocalShellTests : ShellContractTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);
    private static readonly LocalShell Shell = new(new Node("local", IPAddress.Loopback, new HashSet<NodeRole>()));

    private protected override Task<INodeShell> OpenAsync() => Task.FromResult<INodeShell>(Shell);

    [Fact]
    public async Task Exit_code_stdout_and_stderr_pass_through()
    {
        var result = await Shell.RunAsync(ShellCommand.Of("sh", "-c", "printf 'out ü'; echo err >&2; exit 3"), Limit);
        Assert.Equal(3, result.ExitCode);
        Assert.Equal("out ü", result.StdOut);
        Assert.Equal("err\n", result.StdErr);
        Assert.True(Shell.IsLocal);
    }

    [Fact]
    public async Task Commands_get_no_stdin_and_the_C_locale()
    {
        var result = await Shell.RunAsync(ShellCommand.Of("sh", "-c", "cat; echo \"[$LC_ALL]\""), Limit);
        Assert.Equal("[C]\n", result.StdOut);
    }

    [Fact]
    public async Task Files_are_read_and_missing_ones_are_named()
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(path, [0, 1, 2, 255]);
            Assert.Equal(new byte[] { 0, 1, 2, 255 }, await Shell.ReadFileAsync(path));
        }
        finally
        {
            File.Delete(path);
        }
        var error = await Assert.ThrowsAsync<NodeFileException>(() => Shell.ReadFileAsync(path));
        Assert.True(error.NotFound);
        Assert.Contains(path, error.Message);
        Assert.Contains("on local", error.Message);
    }

    [Fact]
    public async Task Tunnel_is_the_target_itself_and_needs_an_address()
    {
        await using var tunnel = await Shell.OpenTunnelAsync("10.77.0.11", 6443);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("10.77.0.11"), 6443), tunnel.LocalEndPoint);
        await Assert.ThrowsAsync<ArgumentException>(() => Shell.OpenTunnelAsync("master1", 6443));
    }
}
