using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Recovery.Tests.Access;

/// <summary>Runs real tools (ssh-keygen, useradd, pgrep...) for the tests, and finds the golden fixtures next to this source.</summary>
internal static class Processes
{
    public static (int Exit, string StdOut, string StdErr) Run(string file, params string[] args) => RunWithInput(null, file, args);

    public static (int Exit, string StdOut, string StdErr) RunWithInput(string? input, string file, params string[] args)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        if (input is not null) p.StandardInput.Write(input);
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish");
        }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    public static string MustRun(string file, params string[] args)
    {
        var (exit, stdout, stderr) = Run(file, args);
        if (exit != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {exit}: {stderr}");
        return stdout;
    }

    public static bool Exists(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin").Split(':')
        .Append("/usr/sbin").Append("/sbin").Any(d => File.Exists(Path.Combine(d, tool)));

    /// <summary>The Fixtures folder beside this file: golden outputs of real tools, see Fixtures/make-fixtures.sh.</summary>
    public static string Fixture(string name, [CallerFilePath] string source = "") =>
        Path.Combine(Path.GetDirectoryName(source)!, "Fixtures", name);

    /// <summary>Process ids whose command line contains <paramref name="marker"/>, waiting briefly for exiting ones to go.</summary>
    public static string LiveProcesses(string marker)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var (exit, stdout, _) = Run("pgrep", "-a", "-f", marker);
            var lines = string.Join('\n', stdout.Split('\n').Where(l => l.Length > 0 && !l.Contains("pgrep", StringComparison.Ordinal)));
            if (exit != 0 || lines.Length == 0 || DateTime.UtcNow > deadline) return lines;
            Thread.Sleep(200);
        }
    }
}
