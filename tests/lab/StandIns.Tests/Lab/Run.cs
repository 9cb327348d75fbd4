using System.Diagnostics;

namespace Lab.StandIns.Tests.Lab;

/// <summary>Runs a command to completion (stdin optional) and returns exit code, stdout bytes and stderr.</summary>
public static class Run
{
    public sealed record Result(int Code, byte[] Out, string Err)
    {
        public string Text => System.Text.Encoding.UTF8.GetString(Out);

        public override string ToString() => $"exit {Code}\nstdout: {Text}\nstderr: {Err}";
    }

    public static Result Command(IEnumerable<string> argv, byte[]? stdin = null, int timeoutSeconds = 60)
    {
        var args = argv.ToList();
        var start = new ProcessStartInfo(args[0]) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = stdin is not null };
        foreach (var a in args.Skip(1))
            start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        if (stdin is not null)
        {
            p.StandardInput.BaseStream.Write(stdin);
            p.StandardInput.Close();
        }
        using var output = new MemoryStream();
        var copy = p.StandardOutput.BaseStream.CopyToAsync(output);
        var err = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeoutSeconds * 1000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{string.Join(' ', args)} did not finish in {timeoutSeconds}s");
        }
        copy.Wait();
        return new Result(p.ExitCode, output.ToArray(), err.Result);
    }

    /// <summary>Starts a long-running process with output to a log file.</summary>
    public static Process Background(IEnumerable<string> argv, string logFile)
    {
        var args = argv.ToList();
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec \"$@\" >\"$LOG\" 2>&1 </dev/null");
        start.ArgumentList.Add("sh");
        foreach (var a in args)
            start.ArgumentList.Add(a);
        start.Environment["LOG"] = logFile;
        return Process.Start(start)!;
    }

    public static void Eventually(Func<bool> condition, string what, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"not within {seconds}s: {what}");
            Thread.Sleep(250);
        }
    }

    public static bool Available(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, tool)));
}
