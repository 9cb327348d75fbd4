namespace Lab.StandIns.Kubelet;

internal static class Kubelet
{
    public static Task<int> RunAsync(Flags flags, CancellationToken ct) => Task.FromResult(flags.Get("config") is null && ct.IsCancellationRequested ? 1 : 0);
}
