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
}
