using System.Diagnostics;

namespace Lab.StandIns.Kubelet;

/// <summary>The node's `docker` CLI (its default socket, /var/run/docker.sock, is the node's own dockerd).</summary>
internal static class DockerCli
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public sealed record Result(int ExitCode, string StdOut, string StdErr)
    {
        public bool Ok => ExitCode == 0;
    }

    public static async Task<Result> RunAsync(IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("docker") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
            start.ArgumentList.Add(a);
        try
        {
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var cts = new CancellationTokenSource(Timeout);
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                return new Result(124, "", $"docker {string.Join(' ', args)}: timed out");
            }
            return new Result(process.ExitCode, await stdout, (await stderr).Trim());
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return new Result(127, "", $"docker: {e.Message}");
        }
    }
}
