using Recovery.LabTests.Recovery;

namespace Recovery.LabTests.Drills;

/// <summary>
/// The state directory (journal, backups) cannot be written: a path under a regular file, a read-only filesystem, a
/// full one. The tool stops before any mutation (cluster snapshot unchanged), says why, exit 2. Mounts are made inside
/// node2's own mount namespace, where the tool runs. "room-for-the-probe-only" leaves 12 KiB free on a 64 KiB tmpfs:
/// enough for the 4 KiB write probe, not for a run's journal and backups; the free-space check refuses it up front.
/// </summary>
[Collection(DrillsLabCollection.Name)]
public sealed class StateDirDrills(DrillsLab lab)
{
    public static TheoryData<string, string, string> Cases => new()
    {
        { "under-a-file", "", "/etc/hostname/state" },
        { "read-only", "mount -t tmpfs -o ro,size=64k tmpfs $M", "$M/state" },
        { "full", "mount -t tmpfs -o size=64k tmpfs $M && { dd if=/dev/zero of=$M/fill bs=4k 2>/dev/null || true; }", "$M/state" },
        { "room-for-the-probe-only", "mount -t tmpfs -o size=64k tmpfs $M && dd if=/dev/zero of=$M/fill bs=4k count=13 2>/dev/null && [ \"$(df -k --output=avail $M | tail -1 | tr -d ' ')\" -eq 12 ]", "$M/state" },
    };

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public async Task Unwritable_state_directory_stops_before_any_mutation(string name, string setup, string stateDir)
    {
        lab.EnsureReady();
        await Drill.BrokenUntouchedAsync(lab);
        var before = await DrillSnapshot.TakeAsync(lab);
        var mount = $"/var/lib/kr-drill-{name}";
        var run = await lab.BashAsync("node2",
            $"M={mount}; mkdir -p $M; {(setup.Length > 0 ? setup : "true")} || exit 97; " +
            $"'{KubeRecover.Executable}' recover -i '{lab.Env.Inventory}' --yes --state-dir \"{stateDir}\"; rc=$?; " +
            "umount $M 2>/dev/null; rmdir $M; exit $rc");
        Assert.True(run.ExitCode == 2, $"{name}: {Drill.Report(run)}");
        Assert.Contains("cannot be written", run.StdErr + run.StdOut);
        if (name == "room-for-the-probe-only") Assert.Contains($"state directory '{stateDir.Replace("$M", mount)}' cannot be written: 12 KiB free on its filesystem, at least 16 MiB needed", run.StdErr + run.StdOut);
        (await DrillSnapshot.TakeAsync(lab)).AssertUnchangedSince(before, $"recover with an unwritable state directory ({name})");
        Drill.LeftUntouched(lab);
    }
}
