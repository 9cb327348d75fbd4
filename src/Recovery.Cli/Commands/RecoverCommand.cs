using System.CommandLine;
using Recovery.Cli.Logging;
using Recovery.Execution;
using Recovery.Logging;
using Recovery.Planning;
using Recovery.State;

namespace Recovery.Cli.Commands;

/// <summary>
/// `kube-recover recover`: shows the plan, asks, then executes it phase by phase with verification, journaling
/// every step in the state directory. `--plan FILE` executes a saved plan once the facts are checked unchanged;
/// `--resume DIR` continues a run that stopped (crash, unreachable node, Ctrl-C). The sequence is the library's
/// <see cref="Session"/>; this verb parses, calls and renders.
/// </summary>
internal static class RecoverCommand
{
    public static Command Create(GlobalOptions global)
    {
        var options = new PlanOptions();
        var planFile = new Option<FileInfo?>("--plan") { Description = "Execute exactly this plan (from plan --format json) after checking the facts have not drifted", HelpName = "FILE" };
        var resume = new Option<DirectoryInfo?>("--resume") { Description = "Continue the recovery whose state directory this is", HelpName = "DIR" };
        planFile.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<FileInfo?>() is { } f && (!f.Exists || f.Length > 4 * 1024 * 1024))
                r.AddError($"--plan: '{f.FullName}' does not exist or is over 4 MiB; expected a plan file written by plan --format json");
        });
        resume.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<DirectoryInfo?>() is { } d && !HoldsRecovery(d))
                r.AddError($"--resume: '{d.FullName}' holds no {Journal.PlanFileName}; expected the state directory of an earlier recover");
        });
        var command = new Command("recover", "Show the plan, ask, then execute it phase by phase with verification (journal, backups, resumable)") { options.SyncPeriod, options.Detail, options.Snapshot, planFile, resume };
        command.Validators.Add(r =>
        {
            if (r.GetResult(planFile) is not null && r.GetResult(resume) is not null) r.AddError("--plan and --resume cannot be combined; expected one of them");
            // Checked before any node is reached: a new recovery never writes into an earlier one's journal, nor finds
            // after the survey that its journal has nowhere to go.
            if (r.GetValue(global.StateDir) is { } file && File.Exists(file.FullName))
                r.AddError($"--state-dir: '{SafeText.Of(file.FullName)}' is not a directory; expected a new or empty directory");
            else if (r.GetResult(resume) is null && r.GetValue(global.StateDir) is { } dir && HoldsRecovery(dir))
                r.AddError($"--state-dir: '{dir.FullName}' already holds a recovery ({Journal.PlanFileName}); expected a new or empty directory, or continue that one with --resume {dir.FullName}");
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            var host = new RecoverHost(parse, global, options, parse.InvocationConfiguration.Output);
            SessionStart start;
            if (parse.GetValue(resume) is { } resumeDir)
            {
                var state = StateDirectory.Open(resumeDir.FullName);
                LogSetup.StartAudit(state.Path, parse.GetValue(global.Verbose));
                start = new SessionStart.Resume(state);
            }
            else if (parse.GetValue(planFile) is { } planPath)
            {
                // A plan file is read and validated before any node is reached: a damaged or hostile plan stops here (exit 2).
                var saved = PlanJson.Read(await File.ReadAllTextAsync(planPath.FullName, cancellationToken).ConfigureAwait(false), InventoryResolver.Resolve(parse, global));
                start = new SessionStart.Saved(saved, planPath.FullName);
            }
            else
            {
                start = new SessionStart.Fresh();
            }
            return await new Session(host, options.Request(parse, global)).RunAsync(start, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>Whether DIR is the state directory of an earlier recover (its plan, or its local-first stage's).</summary>
    private static bool HoldsRecovery(DirectoryInfo dir) =>
        File.Exists(Path.Combine(dir.FullName, Journal.PlanFileName)) || File.Exists(Path.Combine(dir.FullName, LocalFirst.StateSubdirectory, Journal.PlanFileName));
}
