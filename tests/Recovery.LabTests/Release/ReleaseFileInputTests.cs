using System.Diagnostics;

namespace Recovery.LabTests.Release;

/// <summary>
/// Bad input through the published (trimmed) files: the error paths must still name what was wrong and what was
/// expected, with exit 2 and no exception trace. Trimming can remove what only reflection or resources reach (an
/// exception's message from YamlDotNet, System.CommandLine's error text). Runs on this machine, no lab needed.
/// </summary>
public sealed class ReleaseFileInputTests
{
    [SkippableTheory]
    [InlineData(ReleaseFile.X64, "address", "'10.0.0.300' is not an IP address; expected an IPv4 or IPv6 address")]
    [InlineData(ReleaseFile.Arm64, "address", "'10.0.0.300' is not an IP address; expected an IPv4 or IPv6 address")]
    [InlineData(ReleaseFile.X64, "yaml", "yaml: line 3: While parsing a flow sequence, did not find expected ',' or ']'")]
    [InlineData(ReleaseFile.Arm64, "yaml", "yaml: line 3: While parsing a flow sequence, did not find expected ',' or ']'")]
    public async Task Bad_inventory_is_refused_with_exit_2_and_the_reason(string rid, string fault, string reason)
    {
        var file = ReleaseFile.For(rid);
        var dir = Directory.CreateTempSubdirectory("kube-recover-release-");
        try
        {
            var inventory = Path.Combine(dir.FullName, "inventory.yaml");
            File.WriteAllText(inventory, fault == "address"
                ? "nodes:\n  - { name: node1, address: 10.0.0.11, roles: [control-plane, etcd] }\n  - { name: node2, address: 10.0.0.300 }\n"
                : "nodes:\n  - { name: node1, address: 10.0.0.11 }\n  - { name: node2, address: [10.0.0.12 }\n");

            var (exit, stdout, stderr) = await RunAsync(file.Command("diagnose", "-i", inventory));

            Assert.True(exit == 2, $"exit {exit}\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}");
            Assert.Contains(reason, stderr);
            Assert.Contains(inventory, stderr);
            Assert.DoesNotContain("   at ", stderr);
            Assert.DoesNotContain("Exception", stderr);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [SkippableTheory]
    [InlineData(ReleaseFile.X64)]
    [InlineData(ReleaseFile.Arm64)]
    public async Task Unknown_option_is_refused_with_exit_2_and_named(string rid)
    {
        var file = ReleaseFile.For(rid);
        var (exit, stdout, stderr) = await RunAsync(file.Command("diagnose", "--no-such-option"));
        Assert.True(exit == 2, $"exit {exit}\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}");
        Assert.Contains("Unrecognized command or argument '--no-such-option'", stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    private static async Task<(int Exit, string StdOut, string StdErr)> RunAsync(string[] argv)
    {
        var start = new ProcessStartInfo(argv[0]) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var arg in argv.Skip(1)) start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {argv[0]}");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{string.Join(' ', argv)} took longer than 5 minutes");
        }
        return (process.ExitCode, await stdout, await stderr);
    }
}
