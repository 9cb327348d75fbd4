using Recovery.Cli;

using var interrupted = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // First Ctrl-C: cancel cooperatively so the running step finishes or rolls back. A second one kills.
    if (interrupted.IsCancellationRequested) return;
    e.Cancel = true;
    interrupted.Cancel();
};
return await CliApp.RunAsync(args, cancellationToken: interrupted.Token);
