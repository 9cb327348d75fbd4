using System.CommandLine;
using Recovery.Diagnosis;
using Recovery.Execution;

namespace Recovery.Cli.Commands;

/// <summary>`kube-recover diagnose`: read-only; facts from every node, then findings. Exit 3 when a lockout is found.</summary>
internal static class DiagnoseCommand
{
    public static Command Create(GlobalOptions global)
    {
        var command = new Command("diagnose", "Read-only: collect facts from every node and report hijacked addresses (exit 3 if a lockout is found)");
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var survey = await ClusterSession.SurveyAsync(parse, global, cancellationToken).ConfigureAwait(false);
            var report = survey.Report();
            var output = parse.InvocationConfiguration.Output;
            output.Write(parse.GetValue(global.Json) ? DiagnosisJson.Render(report) : DiagnosisText.Render(report));
            if (report.Findings.LockoutFound) return ExitCodes.LockoutFound;
            return report.Findings.SeenWhole ? ExitCodes.Done : ExitCodes.Failed;
        });
        return command;
    }
}
