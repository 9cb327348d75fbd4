namespace Recovery.LabTests.Recovery;

/// <summary>
/// Every API server of a lab stopped (`lab.sh api down`: their static pod manifests moved aside, as an operator would)
/// and started again (`lab.sh api up`, which waits until each answers): the "no API server answers" of the seed's step 3.
/// </summary>
public static class ApiServers
{
    public static async Task DownAsync(LabFixture lab) =>
        (await lab.Script.RunAsync(["api", "down"], TimeSpan.FromMinutes(3))).EnsureSuccess("lab.sh api down");

    /// <summary>`lab.sh api up`, up to three times if an API server was not ready within its 120 s (a loaded machine): it is idempotent.</summary>
    public static async Task UpAsync(LabFixture lab)
    {
        var up = await lab.Script.RunAsync(["api", "up"], TimeSpan.FromMinutes(3));
        for (var attempt = 2; !up.Succeeded && attempt <= 3; attempt++) up = await lab.Script.RunAsync(["api", "up"], TimeSpan.FromMinutes(3));
        up.EnsureSuccess("lab.sh api up");
    }

    /// <summary>True when a manifest is set aside (an earlier `down` not yet undone).</summary>
    public static async Task<bool> AreDownAsync(LabFixture lab) =>
        (await lab.BashAsync(lab.Env.ControlPlane[0], "test -e /etc/kubernetes/kube-apiserver.yaml.lab-down")).Succeeded;

    /// <summary>Runs <paramref name="work"/> with every API server down, and starts them again however it ends.</summary>
    public static async Task WhileDownAsync(LabFixture lab, Func<Task> work)
    {
        await DownAsync(lab);
        try
        {
            await work();
        }
        finally
        {
            await UpAsync(lab);
        }
    }
}
