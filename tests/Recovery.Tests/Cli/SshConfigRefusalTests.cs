using System.Diagnostics;

namespace Recovery.Tests.Cli;

/// <summary>
/// A malformed ~/.ssh/config stops every verb before a node is touched: exit 2, file:line, what was expected. The real
/// executable runs as a child with HOME of its own, so no other test sees that HOME.
/// </summary>
public sealed class SshConfigRefusalTests
{
    [Theory]
    [InlineData("Host node2\n  Port 99999\n", "config:2: Port:")]
    [InlineData("Host node2\n  ProxyJump a\nHost a\n  ProxyJump node2\n", "ProxyJump")]
    [InlineData("Host *\n  IdentityFile ~/.ssh/%C\n", "config:2: token:")]
    public async Task A_bad_ssh_config_is_refused_with_its_line_and_nothing_reached(string config, string expected)
    {
        var home = Directory.CreateTempSubdirectory("kr-home-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(home, ".ssh"));
            File.WriteAllText(Path.Combine(home, ".ssh", "config"), config);
            // 192.0.2.1 (TEST-NET-1) would only time out: an attempt to reach it would show as a connection error, not exit 2.
            var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "kube-recover"))
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var arg in new[] { "diagnose", "--node", "node2=192.0.2.1" }) start.ArgumentList.Add(arg);
            start.Environment["HOME"] = home;
            using var process = Process.Start(start)!;
            var reading = process.StandardError.ReadToEndAsync();
            var stdout = await process.StandardOutput.ReadToEndAsync();
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(limit.Token);
            var stderr = await reading;
            Assert.True(process.ExitCode == 2, $"exit {process.ExitCode}\n{stdout}\n{stderr}");
            Assert.Contains(expected, stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("192.0.2.1:22", stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }
}
