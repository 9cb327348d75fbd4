namespace Recovery.LabTests.Lab;

/// <summary>Waits for a lab fact to settle (kube-proxy syncs every second; etcd elects; a loaded CI machine is slow).
/// Generous deadlines, no timing assertions.</summary>
public static class Poll
{
    public static async Task<LabStatus> UntilStatusAsync(LabFixture lab, Func<LabStatus, bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromMinutes(2));
        while (true)
        {
            var status = await lab.StatusAsync();
            if (condition(status))
            {
                return status;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"lab never reached: {what}\nlast status:\n{status.Text}");
            }
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
    }

    /// <summary>Waits for any condition on the lab (a command that succeeds, say), every half second.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromMinutes(1));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"lab never reached: {what}");
            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }
    }
}
